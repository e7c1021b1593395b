package io.kvasir.kernels;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;

/**
 * A row-major [rows x cols] weight matrix left in its file encoding (memory-mapped) and widened to
 * float32 as it is read. A subclass per storage width supplies only the widening loads; the
 * kernels (decode matvec, prefill GEMM) are written once over them.
 */
public abstract sealed class WeightMatrix permits F32Matrix, HalfMatrix {
    protected final MemorySegment data;
    protected final int rows;
    protected final int cols;

    protected WeightMatrix(MemorySegment data, int rows, int cols, WeightType type) {
        long expected = (long) rows * cols * type.bytes();
        if (data.byteSize() != expected) {
            throw new IllegalArgumentException("weight matrix of " + rows + "x" + cols + " " + type
                    + " needs " + expected + " bytes, segment has " + data.byteSize());
        }
        this.data = data;
        this.rows = rows;
        this.cols = cols;
    }

    /** Wraps a little-endian segment holding rows*cols elements of the given type. */
    public static WeightMatrix of(WeightType type, MemorySegment data, int rows, int cols) {
        return switch (type) {
            case F32 -> new F32Matrix(data, rows, cols);
            case F16, BF16 -> new HalfMatrix(type, data, rows, cols);
        };
    }

    public int rows() {
        return rows;
    }

    public int cols() {
        return cols;
    }

    public abstract WeightType type();

    /** The raw little-endian elements in file encoding (read-only use: device uploads). */
    public MemorySegment data() {
        return data;
    }

    /** Element (row, col) widened to float32; for tests and small tensors. */
    public abstract float get(int row, int col);

    /** Widens n elements, the first at row-major index element, into out[outOff, outOff+n). */
    abstract void read(long element, float[] out, int outOff, int n);

    /** VectorMath.F.length() elements from row-major index element, widened to float32. */
    abstract FloatVector vector(long element);

    /** Widens one row to float32 into out[outOff, outOff+cols). */
    public final void readRow(int row, float[] out, int outOff) {
        read((long) row * cols, out, outOff, cols);
    }

    /** Dot product of one row with x[xOff, xOff+cols). */
    public final float dotRow(int row, float[] x, int xOff) {
        return RowBlockMatvec.dotRow(this, row, x, xOff);
    }

    /**
     * out[r] = row r . x, for every row (decode): each weight byte is read once, four rows at a
     * time, one contiguous range of rows per core. Allocates nothing per call but the fork.
     */
    public void matvec(float[] x, float[] out) {
        RowBlockMatvec.matvec(this, x, out);
    }

    /**
     * Batched product for a chunk of tokens (prefill): out[t*rows + r] = row r . x[t*cols ...], t in
     * [0, tokens). Every weight is widened once per call into packed panels and used for all tokens
     * (see {@link PanelGemm}); each output is one multiply-add chain in column order.
     */
    public void matmul(float[] x, int tokens, float[] out) {
        PanelGemm.matmul(this, x, tokens, out);
    }
}
