package io.kvasir.kernels;

import java.lang.foreign.MemorySegment;

/**
 * A row-major [rows x cols] weight matrix left in its file encoding (memory-mapped) and widened to
 * float32 inside the dot products. One subclass per storage width, each with its own vector loop;
 * the two 16-bit formats share theirs, parameterised by the widening ({@link HalfWidth}).
 */
public abstract sealed class WeightMatrix permits F32Matrix, HalfMatrix {
    /** Token tile of the batched matmul: x tiles of this many rows stay in the core's cache. */
    private static final int TARGET_TILE_BYTES = 256 * 1024;
    /** Rows handled together in the batched matmul: each x load feeds this many rows. */
    static final int ROW_BLOCK = 4;

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

    /** out[r] = row r . x, for every row; rows split over the cores. */
    public void matvec(float[] x, float[] out) {
        Parallel.forRange(rows, 64, (from, to) -> {
            for (int r = from; r < to; r++) {
                out[r] = dotRow(r, x, 0);
            }
        });
    }

    /**
     * Batched product for a chunk of tokens: out[t*rows + r] = row r . x[t*cols ...], t in [0, tokens).
     * Each weight row is decoded once per token tile and reused for every token of the tile, so the
     * weights are streamed once per tile rather than once per token.
     */
    public void matmul(float[] x, int tokens, float[] out) {
        int tile = Math.max(8, Math.min(64, TARGET_TILE_BYTES / (cols * Float.BYTES)));
        int blocks = (rows + ROW_BLOCK - 1) / ROW_BLOCK;
        for (int tileStart = 0; tileStart < tokens; tileStart += tile) {
            int t0 = tileStart;
            int t1 = Math.min(tokens, t0 + tile);
            Parallel.forRange(blocks, 8, (from, to) -> {
                float[] buf = new float[ROW_BLOCK * cols];
                for (int b = from; b < to; b++) {
                    int r0 = b * ROW_BLOCK;
                    int n = Math.min(ROW_BLOCK, rows - r0);
                    for (int i = 0; i < n; i++) {
                        readRow(r0 + i, buf, i * cols);
                    }
                    if (n == ROW_BLOCK) {
                        int t = t0;
                        for (; t + 1 < t1; t += 2) {
                            VectorMath.dot4x2(buf, cols, x, t * cols, (t + 1) * cols, out, t * rows + r0, (t + 1) * rows + r0);
                        }
                        if (t < t1) {
                            VectorMath.dot4(buf, cols, x, t * cols, out, t * rows + r0);
                        }
                    } else {
                        for (int t = t0; t < t1; t++) {
                            for (int i = 0; i < n; i++) {
                                out[t * rows + r0 + i] = VectorMath.dot(buf, i * cols, x, t * cols, cols);
                            }
                        }
                    }
                }
            });
        }
    }
}
