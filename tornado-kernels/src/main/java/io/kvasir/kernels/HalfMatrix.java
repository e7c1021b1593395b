package io.kvasir.kernels;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

/** 16-bit float weights (IEEE half or bfloat16), widened exactly inside the loops of {@link HalfWidth}. */
public final class HalfMatrix extends WeightMatrix {
    private final HalfWidth format;
    private final WeightType type;

    HalfMatrix(WeightType type, MemorySegment data, int rows, int cols) {
        super(data, rows, cols, type);
        this.type = type;
        this.format = switch (type) {
            case F16 -> HalfWidth.F16;
            case BF16 -> HalfWidth.BF16;
            case F32 -> throw new IllegalArgumentException("F32 weights are not 16-bit");
        };
    }

    @Override
    public WeightType type() {
        return type;
    }

    @Override
    public float get(int row, int col) {
        return format.get(data, ((long) row * cols + col) * 2, ByteOrder.LITTLE_ENDIAN);
    }

    @Override
    public float dotRow(int row, float[] x, int xOff) {
        return format.dot(data, (long) row * cols * 2, ByteOrder.LITTLE_ENDIAN, x, xOff, cols);
    }

    @Override
    void dot4(int r0, float[] x, float[] out) {
        format.dot4(data, (long) r0 * cols * 2, cols * 2L, ByteOrder.LITTLE_ENDIAN, x, cols, out, r0);
    }

    @Override
    public void readRow(int row, float[] out, int outOff) {
        format.read(data, (long) row * cols * 2, ByteOrder.LITTLE_ENDIAN, out, outOff, cols);
    }
}
