package io.kvasir.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Decode matvec out = W . x, bound by reading W once. Four rows are read together so that each x
 * vector is loaded once for four weight vectors, and every row has two accumulators (even and odd
 * vectors) so that the multiply-adds of one row do not wait on each other; one horizontal reduce
 * per row. The rows are cut into one contiguous range per core, so each core streams its own part
 * of the matrix with a single fork per call.
 */
final class RowBlockMatvec {
    private static final VectorSpecies<Float> F = VectorMath.F;
    private static final int ROWS = 4;

    private RowBlockMatvec() {}

    static void matvec(WeightMatrix w, float[] x, float[] out) {
        int blocks = (w.rows() + ROWS - 1) / ROWS;
        Parallel.perCore(blocks, (from, to) -> {
            for (int b = from; b < to; b++) {
                int r0 = b * ROWS;
                if (r0 + ROWS <= w.rows()) {
                    rows4(w, r0, x, out);
                } else {
                    for (int r = r0; r < w.rows(); r++) {
                        out[r] = dotRow(w, r, x, 0);
                    }
                }
            }
        });
    }

    /** out[r0 .. r0+3] = rows r0 .. r0+3 . x. */
    private static void rows4(WeightMatrix w, int r0, float[] x, float[] out) {
        int n = w.cols();
        int step = F.length();
        long e0 = (long) r0 * n;
        long e1 = e0 + n;
        long e2 = e1 + n;
        long e3 = e2 + n;
        FloatVector a0 = FloatVector.zero(F);
        FloatVector a1 = FloatVector.zero(F);
        FloatVector a2 = FloatVector.zero(F);
        FloatVector a3 = FloatVector.zero(F);
        FloatVector b0 = FloatVector.zero(F);
        FloatVector b1 = FloatVector.zero(F);
        FloatVector b2 = FloatVector.zero(F);
        FloatVector b3 = FloatVector.zero(F);
        int i = 0;
        for (; i + 2 * step <= n; i += 2 * step) {
            FloatVector xa = FloatVector.fromArray(F, x, i);
            FloatVector xb = FloatVector.fromArray(F, x, i + step);
            a0 = w.vector(e0 + i).fma(xa, a0);
            a1 = w.vector(e1 + i).fma(xa, a1);
            a2 = w.vector(e2 + i).fma(xa, a2);
            a3 = w.vector(e3 + i).fma(xa, a3);
            b0 = w.vector(e0 + i + step).fma(xb, b0);
            b1 = w.vector(e1 + i + step).fma(xb, b1);
            b2 = w.vector(e2 + i + step).fma(xb, b2);
            b3 = w.vector(e3 + i + step).fma(xb, b3);
        }
        for (; i + step <= n; i += step) {
            FloatVector xa = FloatVector.fromArray(F, x, i);
            a0 = w.vector(e0 + i).fma(xa, a0);
            a1 = w.vector(e1 + i).fma(xa, a1);
            a2 = w.vector(e2 + i).fma(xa, a2);
            a3 = w.vector(e3 + i).fma(xa, a3);
        }
        out[r0] = a0.add(b0).reduceLanes(VectorOperators.ADD) + tail(w, r0, i, x, 0);
        out[r0 + 1] = a1.add(b1).reduceLanes(VectorOperators.ADD) + tail(w, r0 + 1, i, x, 0);
        out[r0 + 2] = a2.add(b2).reduceLanes(VectorOperators.ADD) + tail(w, r0 + 2, i, x, 0);
        out[r0 + 3] = a3.add(b3).reduceLanes(VectorOperators.ADD) + tail(w, r0 + 3, i, x, 0);
    }

    /** One row . x[xOff ..] with the same two-accumulator loop (rows left over from the blocks of four). */
    static float dotRow(WeightMatrix w, int row, float[] x, int xOff) {
        int n = w.cols();
        int step = F.length();
        long e = (long) row * n;
        FloatVector a = FloatVector.zero(F);
        FloatVector b = FloatVector.zero(F);
        int i = 0;
        for (; i + 2 * step <= n; i += 2 * step) {
            a = w.vector(e + i).fma(FloatVector.fromArray(F, x, xOff + i), a);
            b = w.vector(e + i + step).fma(FloatVector.fromArray(F, x, xOff + i + step), b);
        }
        for (; i + step <= n; i += step) {
            a = w.vector(e + i).fma(FloatVector.fromArray(F, x, xOff + i), a);
        }
        return a.add(b).reduceLanes(VectorOperators.ADD) + tail(w, row, i, x, xOff);
    }

    /** Scalar part of row . x over the columns [from, cols) that do not fill a vector. */
    private static float tail(WeightMatrix w, int row, int from, float[] x, int xOff) {
        float sum = 0f;
        for (int i = from; i < w.cols(); i++) {
            sum += w.get(row, i) * x[xOff + i];
        }
        return sum;
    }
}
