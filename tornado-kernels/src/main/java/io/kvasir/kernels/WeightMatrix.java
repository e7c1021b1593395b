package io.kvasir.kernels;

import java.lang.foreign.MemorySegment;

/**
 * A row-major [rows x cols] weight matrix left in its file encoding (memory-mapped) and widened to
 * float32 as it is read. One subclass per storage width, each with its own vector loops; the
 * two 16-bit formats share theirs, parameterised by the widening ({@link HalfWidth}).
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

    /** Dot product of one row with x[xOff, xOff+cols). */
    public abstract float dotRow(int row, float[] x, int xOff);

    /** Widens one row to float32 into out[outOff, outOff+cols). */
    public abstract void readRow(int row, float[] out, int outOff);

    /** out[r0 + i] = row r0 + i . x[0, cols), i in 0..3 (the decode matvec's block of rows). */
    abstract void dot4(int r0, float[] x, float[] out);

    /**
     * out[r] = row r . x, for every row (decode): each weight byte is read once, four rows at a
     * time, in one contiguous range of rows per core (a single fork per call). Allocates nothing
     * but the fork's task objects.
     */
    public void matvec(float[] x, float[] out) {
        int blocks = rows / 4;
        Parallel.perCore(blocks + 1, (from, to) -> {
            for (int b = from; b < Math.min(to, blocks); b++) {
                dot4(b * 4, x, out);
            }
            if (to > blocks) { // the block past the last full one: rows left over
                for (int r = blocks * 4; r < rows; r++) {
                    out[r] = dotRow(r, x, 0);
                }
            }
        });
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
