package io.kvasir.kernels;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/** float32 weights. */
public final class F32Matrix extends WeightMatrix {
    private static final ValueLayout.OfFloat LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    F32Matrix(MemorySegment data, int rows, int cols) {
        super(data, rows, cols, WeightType.F32);
    }

    @Override
    public WeightType type() {
        return WeightType.F32;
    }

    @Override
    public float get(int row, int col) {
        return data.get(LE, ((long) row * cols + col) * 4);
    }

    @Override
    public float dotRow(int row, float[] x, int xOff) {
        long base = (long) row * cols * 4;
        int step = VectorMath.F.length();
        FloatVector acc = FloatVector.zero(VectorMath.F);
        int i = 0;
        for (; i + step <= cols; i += step) {
            FloatVector w = FloatVector.fromMemorySegment(VectorMath.F, data, base + i * 4L, ByteOrder.LITTLE_ENDIAN);
            acc = w.fma(FloatVector.fromArray(VectorMath.F, x, xOff + i), acc);
        }
        float sum = acc.reduceLanes(VectorOperators.ADD);
        for (; i < cols; i++) {
            sum += data.get(LE, base + i * 4L) * x[xOff + i];
        }
        return sum;
    }

    /** Row by row: float32 weights appear only in small test models, speed is for the 16-bit ones. */
    @Override
    void dot4(int r0, float[] x, float[] out) {
        for (int r = r0; r < r0 + 4; r++) {
            out[r] = dotRow(r, x, 0);
        }
    }

    @Override
    public void readRow(int row, float[] out, int outOff) {
        MemorySegment.copy(data, LE, (long) row * cols * 4, out, outOff, cols);
    }
}
