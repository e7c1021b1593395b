package io.kvasir.kernels;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Prefill GEMM out[t][r] = sum_k x[t][k] * W[r][k] for a chunk of tokens.
 *
 * <p>The output rows (W's rows) are cut into panels of {@link #WIDTH} = 3 vectors. Each panel is
 * widened to float32 once per call and packed k-major (packed[k][j] = W[r0 + j][k]), so that one
 * k step of the panel is three contiguous vectors. The micro-kernel keeps a 4-token x 3-vector tile
 * of 12 accumulators in registers over a k block: per k it loads the three panel vectors, broadcasts
 * one x scalar per token and does 12 multiply-adds (7 loads per 12 FMAs, against 6 per 8 of the old
 * dot-product tile, and no horizontal reduces). 12 accumulators + 3 panel vectors + 1 broadcast fit
 * the 16 registers of AVX2 as well as AVX-512's 32.
 *
 * <p>The k loop is blocked by {@link #KC} so that the panel block the tile walks (KC x WIDTH floats,
 * about 32 KiB) stays in L1/L2 while every token of the chunk passes over it; between k blocks the
 * tile is stored to and reloaded from out (zeroed first, so that the first block has no special case). Each output is therefore one multiply-add chain in k
 * order, whatever the block sizes. The panels are split into one contiguous range per core (one
 * fork per call); each core packs into its own reused buffer.
 */
final class PanelGemm {
    private static final VectorSpecies<Float> F = VectorMath.F;
    private static final int L = F.length();
    /** Output rows per panel: three vectors. */
    static final int WIDTH = 3 * L;
    /** Tokens per micro tile. */
    static final int TOKENS = 4;
    /** k block: a KC x WIDTH block of the packed panel is about 32 KiB (a multiple of 16). */
    static final int KC = Math.max(64, 32 * 1024 / (WIDTH * Float.BYTES) / 16 * 16);

    /** Per-thread packing buffers, grown to the largest matrix seen and then reused. */
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private PanelGemm() {}

    static void matmul(WeightMatrix w, float[] x, int tokens, float[] out) {
        if (tokens <= 0) {
            return;
        }
        int panels = (w.rows() + WIDTH - 1) / WIDTH;
        Parallel.perCore(panels, (from, to) -> {
            Scratch s = SCRATCH.get();
            for (int p = from; p < to; p++) {
                panel(w, p * WIDTH, x, tokens, out, s);
            }
        });
    }

    /** All tokens against the panel of rows [r0, r0 + WIDTH). */
    private static void panel(WeightMatrix w, int r0, float[] x, int tokens, float[] out, Scratch s) {
        int rows = w.rows();
        int cols = w.cols();
        int width = Math.min(WIDTH, rows - r0);
        float[] packed = s.packed(cols);
        pack(w, r0, width, packed, s.row(cols));
        // A full panel writes straight into out; the last, narrower one goes through a tile buffer.
        boolean full = width == WIDTH;
        float[] c = full ? out : s.tile(tokens);
        int cBase = full ? r0 : 0;
        int ldc = full ? rows : WIDTH;
        for (int t = 0; t < tokens; t++) {
            Arrays.fill(c, cBase + t * ldc, cBase + t * ldc + WIDTH, 0f);
        }
        for (int k0 = 0; k0 < cols; k0 += KC) {
            int kc = Math.min(KC, cols - k0);
            int t = 0;
            for (; t + TOKENS <= tokens; t += TOKENS) {
                tile4(packed, k0, kc, x, t * cols + k0, cols, c, cBase + t * ldc, ldc);
            }
            for (; t < tokens; t++) {
                tile1(packed, k0, kc, x, t * cols + k0, c, cBase + t * ldc);
            }
        }
        if (!full) {
            for (int t = 0; t < tokens; t++) {
                System.arraycopy(c, t * WIDTH, out, t * rows + r0, width);
            }
        }
    }

    /**
     * packed[k * WIDTH + j] = W[r0 + j][k] widened, zero for j >= width. Each row is widened with
     * the vector loads into row, then scattered into its column of the panel.
     */
    private static void pack(WeightMatrix w, int r0, int width, float[] packed, float[] row) {
        int cols = w.cols();
        for (int j = 0; j < WIDTH; j++) {
            if (j < width) {
                w.readRow(r0 + j, row, 0);
                for (int k = 0; k < cols; k++) {
                    packed[k * WIDTH + j] = row[k];
                }
            } else {
                for (int k = 0; k < cols; k++) {
                    packed[k * WIDTH + j] = 0f;
                }
            }
        }
    }

    /**
     * Four tokens (x rows at xOff + i*ldx) against one panel over k in [k0, k0 + kc): 12 accumulators
     * held in registers, added to the c rows at cOff + i*ldc (three vectors each).
     */
    private static void tile4(float[] b, int k0, int kc, float[] x, int xOff, int ldx,
                              float[] c, int cOff, int ldc) {
        int c1 = cOff + ldc;
        int c2 = c1 + ldc;
        int c3 = c2 + ldc;
        FloatVector c00 = FloatVector.fromArray(F, c, cOff);
        FloatVector c01 = FloatVector.fromArray(F, c, cOff + L);
        FloatVector c02 = FloatVector.fromArray(F, c, cOff + 2 * L);
        FloatVector c10 = FloatVector.fromArray(F, c, c1);
        FloatVector c11 = FloatVector.fromArray(F, c, c1 + L);
        FloatVector c12 = FloatVector.fromArray(F, c, c1 + 2 * L);
        FloatVector c20 = FloatVector.fromArray(F, c, c2);
        FloatVector c21 = FloatVector.fromArray(F, c, c2 + L);
        FloatVector c22 = FloatVector.fromArray(F, c, c2 + 2 * L);
        FloatVector c30 = FloatVector.fromArray(F, c, c3);
        FloatVector c31 = FloatVector.fromArray(F, c, c3 + L);
        FloatVector c32 = FloatVector.fromArray(F, c, c3 + 2 * L);
        int x1 = xOff + ldx;
        int x2 = x1 + ldx;
        int x3 = x2 + ldx;
        for (int k = 0; k < kc; k++) {
            int bk = (k0 + k) * WIDTH;
            FloatVector b0 = FloatVector.fromArray(F, b, bk);
            FloatVector b1 = FloatVector.fromArray(F, b, bk + L);
            FloatVector b2 = FloatVector.fromArray(F, b, bk + 2 * L);
            FloatVector a = FloatVector.broadcast(F, x[xOff + k]);
            c00 = b0.fma(a, c00);
            c01 = b1.fma(a, c01);
            c02 = b2.fma(a, c02);
            a = FloatVector.broadcast(F, x[x1 + k]);
            c10 = b0.fma(a, c10);
            c11 = b1.fma(a, c11);
            c12 = b2.fma(a, c12);
            a = FloatVector.broadcast(F, x[x2 + k]);
            c20 = b0.fma(a, c20);
            c21 = b1.fma(a, c21);
            c22 = b2.fma(a, c22);
            a = FloatVector.broadcast(F, x[x3 + k]);
            c30 = b0.fma(a, c30);
            c31 = b1.fma(a, c31);
            c32 = b2.fma(a, c32);
        }
        c00.intoArray(c, cOff);
        c01.intoArray(c, cOff + L);
        c02.intoArray(c, cOff + 2 * L);
        c10.intoArray(c, c1);
        c11.intoArray(c, c1 + L);
        c12.intoArray(c, c1 + 2 * L);
        c20.intoArray(c, c2);
        c21.intoArray(c, c2 + L);
        c22.intoArray(c, c2 + 2 * L);
        c30.intoArray(c, c3);
        c31.intoArray(c, c3 + L);
        c32.intoArray(c, c3 + 2 * L);
    }

    /** One token against one panel (the tokens left over from the tiles of four). */
    private static void tile1(float[] b, int k0, int kc, float[] x, int xOff, float[] c, int cOff) {
        FloatVector c0 = FloatVector.fromArray(F, c, cOff);
        FloatVector c1 = FloatVector.fromArray(F, c, cOff + L);
        FloatVector c2 = FloatVector.fromArray(F, c, cOff + 2 * L);
        for (int k = 0; k < kc; k++) {
            int bk = (k0 + k) * WIDTH;
            FloatVector a = FloatVector.broadcast(F, x[xOff + k]);
            c0 = FloatVector.fromArray(F, b, bk).fma(a, c0);
            c1 = FloatVector.fromArray(F, b, bk + L).fma(a, c1);
            c2 = FloatVector.fromArray(F, b, bk + 2 * L).fma(a, c2);
        }
        c0.intoArray(c, cOff);
        c1.intoArray(c, cOff + L);
        c2.intoArray(c, cOff + 2 * L);
    }

    /** One core's buffers: the packed panel, one widened row, and the tile of the narrow last panel. */
    private static final class Scratch {
        private float[] packed = new float[0];
        private float[] row = new float[0];
        private float[] tile = new float[0];

        float[] packed(int cols) {
            if (packed.length < cols * WIDTH) {
                packed = new float[cols * WIDTH];
            }
            return packed;
        }

        float[] row(int cols) {
            if (row.length < cols) {
                row = new float[cols];
            }
            return row;
        }

        float[] tile(int tokens) {
            if (tile.length < tokens * WIDTH) {
                tile = new float[tokens * WIDTH];
            }
            return tile;
        }
    }
}
