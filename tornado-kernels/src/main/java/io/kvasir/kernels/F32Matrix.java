package io.kvasir.kernels;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;

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
    void read(long element, float[] out, int outOff, int n) {
        MemorySegment.copy(data, LE, element * 4, out, outOff, n);
    }

    @Override
    FloatVector vector(long element) {
        return FloatVector.fromMemorySegment(VectorMath.F, data, element * 4, ByteOrder.LITTLE_ENDIAN);
    }
}
