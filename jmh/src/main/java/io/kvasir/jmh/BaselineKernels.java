package io.kvasir.jmh;

import io.kvasir.kernels.HalfWidth;
import io.kvasir.kernels.Parallel;
import io.kvasir.kernels.WeightMatrix;
import io.kvasir.kernels.WeightType;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The 16-bit weight kernels as they were before issue #16, kept only so that the benchmarks can
 * measure old and new side by side in one JVM on one (shared, loaded) machine: the decode matvec
 * was one row at a time with one accumulator and up to four tasks per core; the prefill matmul
 * re-widened every weight row for each tile of 8..64 tokens and ran a 4-row x 2-token dot tile.
 */
final class BaselineKernels {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int TARGET_TILE_BYTES = 256 * 1024;
    private static final int ROW_BLOCK = 4;

    private BaselineKernels() {}

    private static HalfWidth format(WeightMatrix w) {
        return w.type() == WeightType.F16 ? HalfWidth.F16 : HalfWidth.BF16;
    }

    static void matvec(WeightMatrix w, float[] x, float[] out) {
        HalfWidth format = format(w);
        int cols = w.cols();
        Parallel.forRange(w.rows(), 64, (from, to) -> {
            for (int r = from; r < to; r++) {
                out[r] = format.dot(w.data(), (long) r * cols * 2, ByteOrder.LITTLE_ENDIAN, x, 0, cols);
            }
        });
    }

    static void matmul(WeightMatrix w, float[] x, int tokens, float[] out) {
        int rows = w.rows();
        int cols = w.cols();
        int tile = Math.max(8, Math.min(64, TARGET_TILE_BYTES / (cols * Float.BYTES)));
        int blocks = (rows + ROW_BLOCK - 1) / ROW_BLOCK;
        for (int tileStart = 0; tileStart < tokens; tileStart += tile) {
            int t0 = tileStart;
            int t1 = Math.min(tokens, t0 + tile);
            Parallel.forRange(blocks, 8, (from, to) -> {
                float[] buf = new float[ROW_BLOCK * cols];
                for (int b = from; b < to; b++) {
                    int r0 = b * ROW_BLOCK;
                    for (int i = 0; i < ROW_BLOCK; i++) {
                        w.readRow(r0 + i, buf, i * cols);
                    }
                    // The benchmark shapes are multiples of 4 rows, 2 tokens and the vector length.
                    for (int t = t0; t + 1 < t1; t += 2) {
                        dot4x2(buf, cols, x, t * cols, (t + 1) * cols, out, t * rows + r0, (t + 1) * rows + r0);
                    }
                }
            });
        }
    }

    private static void dot4x2(float[] w, int n, float[] x, int x0, int x1, float[] out, int off0, int off1) {
        int step = F.length();
        FloatVector a0 = FloatVector.zero(F);
        FloatVector a1 = FloatVector.zero(F);
        FloatVector a2 = FloatVector.zero(F);
        FloatVector a3 = FloatVector.zero(F);
        FloatVector b0 = FloatVector.zero(F);
        FloatVector b1 = FloatVector.zero(F);
        FloatVector b2 = FloatVector.zero(F);
        FloatVector b3 = FloatVector.zero(F);
        for (int i = 0; i + step <= n; i += step) {
            FloatVector xa = FloatVector.fromArray(F, x, x0 + i);
            FloatVector xb = FloatVector.fromArray(F, x, x1 + i);
            FloatVector w0 = FloatVector.fromArray(F, w, i);
            FloatVector w1 = FloatVector.fromArray(F, w, n + i);
            FloatVector w2 = FloatVector.fromArray(F, w, 2 * n + i);
            FloatVector w3 = FloatVector.fromArray(F, w, 3 * n + i);
            a0 = w0.fma(xa, a0);
            b0 = w0.fma(xb, b0);
            a1 = w1.fma(xa, a1);
            b1 = w1.fma(xb, b1);
            a2 = w2.fma(xa, a2);
            b2 = w2.fma(xb, b2);
            a3 = w3.fma(xa, a3);
            b3 = w3.fma(xb, b3);
        }
        out[off0] = a0.reduceLanes(VectorOperators.ADD);
        out[off0 + 1] = a1.reduceLanes(VectorOperators.ADD);
        out[off0 + 2] = a2.reduceLanes(VectorOperators.ADD);
        out[off0 + 3] = a3.reduceLanes(VectorOperators.ADD);
        out[off1] = b0.reduceLanes(VectorOperators.ADD);
        out[off1 + 1] = b1.reduceLanes(VectorOperators.ADD);
        out[off1 + 2] = b2.reduceLanes(VectorOperators.ADD);
        out[off1 + 3] = b3.reduceLanes(VectorOperators.ADD);
    }
}
