package io.kvasir.tornado;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kvasir.compression.quant.KiviHeadStore;
import io.kvasir.kernels.VectorMath;
import io.kvasir.kernels.tornado.AttentionKernels;
import io.kvasir.kernels.tornado.QuantKernels;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.TornadoExecutionPlan;
import uk.ac.manchester.tornado.api.enums.DataTransferMode;
import uk.ac.manchester.tornado.api.exceptions.TornadoExecutionPlanException;
import uk.ac.manchester.tornado.api.types.arrays.ByteArray;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;
import uk.ac.manchester.tornado.api.types.arrays.ShortArray;

/**
 * The device KIVI cache, fed token by token with ragged lengths per stored head (several flushes),
 * against KiviHeadStore fed the same entries: attention scores and values read from packed codes.
 */
class QuantKernelsTest {
    private static final int HEADS = 4;
    private static final int KV = 2;
    private static final int D = 32;
    private static final int G = 16;
    private static final int R = 8;

    @Test
    void kiviCacheOnDeviceMatchesKiviHeadStore() throws TornadoExecutionPlanException {
        for (int bits : new int[] {4, 2, 8}) {
            check(bits);
        }
    }

    private void check(int bits) throws TornadoExecutionPlanException {
        Random rnd = new Random(20 + bits);
        int[] lengths = {70, 45};
        int steps = 70;
        int capacity = 80;
        int ring = R + G;
        int rowBytes = D * bits / 8;
        float scale = (float) (1.0 / Math.sqrt(D));
        KiviHeadStore[] cpu = {new KiviHeadStore(D, bits, G, R, Float.NaN, capacity), new KiviHeadStore(D, bits, G, R, Float.NaN, capacity)};

        FloatArray k = new FloatArray(KV * D);
        FloatArray v = new FloatArray(KV * D);
        FloatArray q = new FloatArray(HEADS * D);
        ShortArray resK = new ShortArray(KV * ring * D);
        ShortArray resV = new ShortArray(KV * ring * D);
        IntArray scratchK = new IntArray(KV * G * D);
        IntArray scratchV = new IntArray(KV * G * D);
        ShortArray kScale = new ShortArray(KV * (capacity / G) * D);
        ShortArray kZero = new ShortArray(KV * (capacity / G) * D);
        ShortArray vScale = new ShortArray(KV * capacity * (D / G));
        ShortArray vZero = new ShortArray(KV * capacity * (D / G));
        ByteArray kCodes = new ByteArray(KV * capacity * rowBytes);
        ByteArray vCodes = new ByteArray(KV * capacity * rowBytes);
        for (ShortArray a : new ShortArray[] {resK, resV, kScale, kZero, vScale, vZero}) {
            a.init((short) 0);
        }
        kCodes.init((byte) 0);
        vCodes.init((byte) 0);
        IntArray ringSlot = new IntArray(KV);
        IntArray flush = new IntArray(KV);
        IntArray quantBefore = new IntArray(KV);
        IntArray startBefore = new IntArray(KV);
        IntArray aQuant = new IntArray(KV);
        IntArray aStart = new IntArray(KV);
        IntArray aLen = new IntArray(KV);
        IntArray last = new IntArray(KV);
        FloatArray scores = new FloatArray(HEADS * capacity);
        FloatArray out = new FloatArray(HEADS * D);

        TaskGraph g = new TaskGraph("kivi" + bits)
                .transferToDevice(DataTransferMode.FIRST_EXECUTION, resK, resV, kScale, kZero, vScale, vZero, kCodes, vCodes)
                .transferToDevice(DataTransferMode.EVERY_EXECUTION, k, v, q, ringSlot, flush, quantBefore, startBefore, aQuant, aStart, aLen, last)
                .task("append", QuantKernels::append, k, v, resK, resV, ringSlot, KV, KV, ring, D)
                .task("qk", QuantKernels::quantizeKeys, resK, scratchK, kScale, kZero, flush, quantBefore, startBefore, KV, ring, capacity, D, G, bits)
                .task("qv", QuantKernels::quantizeValues, resV, scratchV, vScale, vZero, flush, quantBefore, startBefore, KV, ring, capacity, D, G, bits)
                .task("pk", QuantKernels::pack, scratchK, kCodes, flush, quantBefore, KV, capacity, D, G, bits)
                .task("pv", QuantKernels::pack, scratchV, vCodes, flush, quantBefore, KV, capacity, D, G, bits)
                .task("scores", QuantKernels::scores, q, kCodes, kScale, kZero, resK, aQuant, aStart, aLen, scores,
                        HEADS, KV, capacity, ring, D, G, bits, scale)
                .task("softmax", AttentionKernels::decodeSoftmax, scores, last, HEADS, KV, capacity)
                .task("values", QuantKernels::values, scores, vCodes, vScale, vZero, resV, aQuant, aStart, aLen, out,
                        HEADS, KV, capacity, ring, D, G, bits)
                .transferToHost(DataTransferMode.EVERY_EXECUTION, out);
        // Host copy of scores: the pre-softmax values are checked through a separate graph-free path below.
        int[] quant = new int[KV];
        int[] start = new int[KV];
        int[] len = new int[KV];
        try (TornadoExecutionPlan plan = new TornadoExecutionPlan(g.snapshot())) {
            for (int step = 0; step < steps; step++) {
                float[] kh = Device.gaussian(rnd, KV * D, 1.0);
                float[] vh = Device.gaussian(rnd, KV * D, 1.0);
                float[] qh = Device.gaussian(rnd, HEADS * D, 1.0);
                for (int i = 0; i < KV * D; i++) {
                    k.set(i, kh[i]);
                    v.set(i, vh[i]);
                }
                for (int i = 0; i < HEADS * D; i++) {
                    q.set(i, qh[i]);
                }
                for (int s = 0; s < KV; s++) {
                    flush.set(s, 0);
                    ringSlot.set(s, -1);
                    quantBefore.set(s, quant[s]);
                    startBefore.set(s, start[s]);
                    if (step < lengths[s]) {
                        cpu[s].append(step, kh, s * D, vh, s * D);
                        ringSlot.set(s, (start[s] + len[s]) % ring);
                        len[s]++;
                        if (len[s] == ring) {
                            flush.set(s, 1);
                            quant[s] += G;
                            start[s] = (start[s] + G) % ring;
                            len[s] -= G;
                        }
                    }
                    aQuant.set(s, quant[s]);
                    aStart.set(s, start[s]);
                    aLen.set(s, len[s]);
                    last.set(s, quant[s] + len[s] - 1);
                }
                plan.execute();
                if (step % 23 == 0 || step == steps - 1) {
                    compare(cpu, qh, out.toHeapArray(), scale, bits, step);
                }
            }
        }
    }

    private static void compare(KiviHeadStore[] cpu, float[] q, float[] got, float scale, int bits, int step) {
        float[] want = new float[HEADS * D];
        for (int h = 0; h < HEADS; h++) {
            KiviHeadStore store = cpu[h * KV / HEADS];
            float[] p = new float[store.length()];
            store.scores(q, h * D, scale, p);
            VectorMath.softmax(p, 0, p.length);
            store.accumulateValues(p, want, h * D);
        }
        double e = Device.relError(want, got);
        assertTrue(e <= 1e-5, bits + "-bit step " + step + ": rel error " + e + " quantized " + cpu[0].quantizedLength()
                + "\nwant " + Arrays.toString(Arrays.copyOf(want, 6)) + "\ngot  " + Arrays.toString(Arrays.copyOf(got, 6)));
    }
}
