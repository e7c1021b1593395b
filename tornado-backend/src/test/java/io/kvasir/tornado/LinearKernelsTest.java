package io.kvasir.tornado;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kvasir.kernels.ReferenceKernels;
import io.kvasir.kernels.VectorMath;
import io.kvasir.kernels.WeightMatrix;
import io.kvasir.kernels.WeightType;
import io.kvasir.kernels.tornado.LinearKernels;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.enums.DataTransferMode;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;
import uk.ac.manchester.tornado.api.types.arrays.ShortArray;

/** Dense kernels on the device against the scalar references of io.kvasir.kernels. */
class LinearKernelsTest {
    private static final int ROWS = 96;
    private static final int COLS = 160;

    @Test
    void halfConversionsMatchTheJdkForEveryPattern() {
        // All 65536 half patterns decoded, and 65536 floats around the half range encoded.
        int n = 65536;
        short[] bits = new short[n];
        float[] floats = new float[n];
        Random r = new Random(1);
        for (int i = 0; i < n; i++) {
            bits[i] = (short) i;
            float f = Float.float16ToFloat((short) i);
            // Perturb below half resolution to exercise rounding, ties included (i % 7 == 0 keeps exact values).
            floats[i] = Float.isNaN(f) ? 1e-9f * i : (i % 7 == 0 ? f : f * (1 + (float) (r.nextDouble() - 0.5) * 2e-3f));
        }
        floats[0] = 65520f; // exact overflow tie
        floats[1] = 2.9802322e-8f; // 2^-25: tie between 0 and the smallest subnormal
        ShortArray in = ShortArray.fromArray(bits);
        FloatArray decoded = new FloatArray(n);
        FloatArray bf = new FloatArray(n);
        FloatArray src = FloatArray.fromArray(floats);
        ShortArray encoded = new ShortArray(n);
        FloatArray rounded = FloatArray.fromArray(floats);
        Device.run(new TaskGraph("half")
                .transferToDevice(DataTransferMode.EVERY_EXECUTION, in, src, rounded)
                .task("decode", ConversionKernels::halfToFloat, in, decoded, n)
                .task("bf16", ConversionKernels::bf16ToFloat, in, bf, n)
                .task("encode", ConversionKernels::floatToHalf, src, encoded, n)
                .task("rint", ConversionKernels::roundHalfEven, rounded, n)
                .transferToHost(DataTransferMode.EVERY_EXECUTION, decoded, bf, encoded, rounded));
        for (int i = 0; i < n; i++) {
            float want = Float.float16ToFloat(bits[i]);
            if (!Float.isNaN(want)) {
                assertEquals(Float.floatToIntBits(want), Float.floatToIntBits(decoded.get(i)), "half bits " + i);
            } else {
                assertTrue(Float.isNaN(decoded.get(i)), "half NaN " + i);
            }
            float wantBf = Float.intBitsToFloat(bits[i] << 16);
            assertEquals(Float.floatToIntBits(wantBf), Float.floatToIntBits(bf.get(i)), "bf16 bits " + i);
            assertEquals(Float.floatToFloat16(floats[i]), encoded.get(i), "encode " + floats[i]);
        }
        float[] scaled = new float[n];
        for (int i = 0; i < n; i++) {
            scaled[i] = (float) Math.rint(floats[i]);
            // Numeric equality: rint only feeds integer codes, where -0 and +0 are the same code.
            assertTrue(scaled[i] == rounded.get(i), "rint " + floats[i] + " gave " + rounded.get(i));
        }
    }

    @Test
    void rmsNormMatchesReference() {
        Random r = new Random(2);
        int rows = 5;
        float[] x = Device.gaussian(r, rows * COLS, 1.5);
        float[] w = Device.gaussian(r, COLS, 1.0);
        FloatArray out = new FloatArray(rows * COLS);
        FloatArray xa = Device.array(x);
        FloatArray wa = Device.array(w);
        Device.run(new TaskGraph("rms").transferToDevice(DataTransferMode.EVERY_EXECUTION, xa, wa)
                .task("t", LinearKernels::rmsNorm, xa, wa, out, rows, COLS, 1e-5f)
                .transferToHost(DataTransferMode.EVERY_EXECUTION, out));
        for (int t = 0; t < rows; t++) {
            float[] row = java.util.Arrays.copyOfRange(x, t * COLS, (t + 1) * COLS);
            float[] want = new float[COLS];
            ReferenceKernels.rmsNorm(row, w, 1e-5, want);
            float[] got = java.util.Arrays.copyOfRange(out.toHeapArray(), t * COLS, (t + 1) * COLS);
            assertTrue(Device.relError(want, got) <= 1e-5, "row " + t + " rel error " + Device.relError(want, got));
        }
    }

    @Test
    void matvecAndMatmulMatchReferenceForEveryWeightType() {
        for (WeightType type : WeightType.values()) {
            Random r = new Random(3 + type.ordinal());
            WeightMatrix m = randomMatrix(r, type, ROWS, COLS);
            int tokens = 7;
            float[] x = Device.gaussian(r, tokens * COLS, 1.0);
            float[] want = new float[tokens * ROWS];
            for (int t = 0; t < tokens; t++) {
                float[] row = java.util.Arrays.copyOfRange(x, t * COLS, (t + 1) * COLS);
                float[] o = new float[ROWS];
                ReferenceKernels.matvec(m, row, o);
                System.arraycopy(o, 0, want, t * ROWS, ROWS);
            }
            DeviceWeights w = DeviceWeights.of(m);
            FloatArray xa = Device.array(x);
            FloatArray first = new FloatArray(ROWS);
            FloatArray all = new FloatArray(tokens * ROWS);
            TaskGraph g = new TaskGraph("mm" + type).transferToDevice(DataTransferMode.EVERY_EXECUTION, xa);
            w.upload(g);
            w.matvec(g, "mv", xa, first);
            w.matmul(g, "mm", xa, all, tokens);
            Device.run(g.transferToHost(DataTransferMode.EVERY_EXECUTION, first, all));
            // 16-bit weights are decoded exactly, so every type meets the float32 bound.
            double e1 = Device.relError(java.util.Arrays.copyOf(want, ROWS), first.toHeapArray());
            double e2 = Device.relError(want, all.toHeapArray());
            assertTrue(e1 <= 1e-5 && e2 <= 1e-5, type + " matvec " + e1 + " matmul " + e2);
        }
    }

    @Test
    void embeddingBiasResidualAndSwigluMatchTheCpu() {
        Random r = new Random(4);
        for (WeightType type : WeightType.values()) {
            WeightMatrix table = randomMatrix(r, type, 11, COLS);
            DeviceWeights w = DeviceWeights.of(table);
            IntArray tokens = IntArray.fromElements(7, 0, 10);
            IntArray count = IntArray.fromElements(3);
            FloatArray rows = new FloatArray(3 * COLS);
            FloatArray last = new FloatArray(COLS);
            TaskGraph g = new TaskGraph("emb" + type).transferToDevice(DataTransferMode.EVERY_EXECUTION, tokens, count);
            w.upload(g);
            w.embed(g, "e", tokens, rows, 3);
            g.task("last", LinearKernels::copyLastRow, rows, count, last, COLS);
            Device.run(g.transferToHost(DataTransferMode.EVERY_EXECUTION, rows, last));
            float[] want = new float[3 * COLS];
            table.readRow(7, want, 0);
            table.readRow(0, want, COLS);
            table.readRow(10, want, 2 * COLS);
            assertEquals(0.0, Device.relError(want, rows.toHeapArray()), type.toString());
            assertEquals(0.0, Device.relError(Arrays.copyOfRange(want, 2 * COLS, 3 * COLS), last.toHeapArray()),
                    type + " last row");
        }
        int n = 300;
        float[] gate = Device.gaussian(r, n, 3);
        float[] up = Device.gaussian(r, n, 1);
        float[] bias = Device.gaussian(r, 30, 1);
        FloatArray ga = Device.array(gate);
        FloatArray ua = Device.array(up);
        FloatArray ba = Device.array(bias);
        FloatArray xa = Device.array(up);
        Device.run(new TaskGraph("ew").transferToDevice(DataTransferMode.EVERY_EXECUTION, ga, ua, ba, xa)
                .task("swiglu", LinearKernels::swiglu, ga, ua, n)
                .task("bias", LinearKernels::addBias, xa, ba, 10, 30)
                .task("res", LinearKernels::addInPlace, xa, ua, n)
                .transferToHost(DataTransferMode.EVERY_EXECUTION, ga, xa));
        float[] wantGate = gate.clone();
        VectorMath.swiglu(wantGate, up, n);
        assertTrue(Device.relError(wantGate, ga.toHeapArray()) <= 1e-6);
        float[] wantX = new float[n];
        for (int i = 0; i < n; i++) {
            wantX[i] = up[i] + bias[i % 30] + up[i];
        }
        assertTrue(Device.relError(wantX, xa.toHeapArray()) <= 1e-6);
    }

    static WeightMatrix randomMatrix(Random r, WeightType type, int rows, int cols) {
        MemorySegment seg = Arena.ofAuto().allocate((long) rows * cols * type.bytes());
        for (int i = 0; i < rows * cols; i++) {
            float v = (float) (r.nextGaussian() * 0.5);
            switch (type) {
                case F32 -> seg.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), i, v);
                case F16 -> seg.setAtIndex(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), i, Float.floatToFloat16(v));
                case BF16 -> seg.setAtIndex(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), i,
                        (short) (Float.floatToIntBits(v) >>> 16));
            }
        }
        return WeightMatrix.of(type, seg, rows, cols);
    }
}
