package io.kvasir.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The decode matvec (WeightMatrix.matvec, HalfWidth.dot4) and prefill GEMM ({@link PanelGemm}) against the scalar
 * references, with shapes that cut every block short: rows that fill no whole panel or row block,
 * a token count that leaves a partial tile, and columns that span several k blocks and end in a
 * scalar tail. The surefire run with -XX:MaxVectorSize=32 repeats this class with 256-bit vectors.
 */
class WeightKernelsTest {
    private static final int ROWS = 2 * PanelGemm.WIDTH + 7;
    private static final int COLS = 2 * PanelGemm.KC + VectorMath.F.length() + 5;
    private static final int TOKENS = 3 * PanelGemm.TOKENS + 3;

    /**
     * Higham's bound on a float dot product summed in any order: |error| <= gamma_n * sum |w_i x_i|
     * with gamma_n = n u / (1 - n u), u = 2^-24, plus the final rounding to float of the reference.
     */
    private static double bound(WeightMatrix w, int row, float[] x, int xOff) {
        double abs = 0;
        for (int c = 0; c < w.cols(); c++) {
            abs += Math.abs((double) w.get(row, c) * x[xOff + c]);
        }
        double nu = w.cols() * 0x1p-24;
        return nu / (1 - nu) * abs + Math.ulp((float) abs);
    }

    @ParameterizedTest
    @EnumSource(WeightType.class)
    void matvecIsWithinTheSummationBoundOfTheDoubleReference(WeightType type) {
        WeightMatrix w = WeightMatrixTest.random(type, ROWS, COLS, 11);
        float[] x = WeightMatrixTest.randomVector(COLS, 12);
        float[] expected = new float[ROWS];
        ReferenceKernels.matvec(w, x, expected);
        float[] actual = new float[ROWS];
        w.matvec(x, actual);
        for (int r = 0; r < ROWS; r++) {
            double err = Math.abs(expected[r] - actual[r]);
            assertTrue(err <= bound(w, r, x, 0), "row " + r + ": " + actual[r] + " vs " + expected[r]);
            // A row of a block of four and the same row on its own sum in the same order.
            assertEquals(actual[r], w.dotRow(r, x, 0), "row " + r + " alone");
        }
    }

    @ParameterizedTest
    @EnumSource(WeightType.class)
    void matmulIsTheMultiplyAddChainInColumnOrder(WeightType type) {
        WeightMatrix w = WeightMatrixTest.random(type, ROWS, COLS, 13);
        float[] x = WeightMatrixTest.randomVector(TOKENS * COLS, 14);
        float[] expected = new float[TOKENS * ROWS];
        ReferenceKernels.matmulInColumnOrder(w, x, TOKENS, expected);
        float[] actual = new float[TOKENS * ROWS];
        w.matmul(x, TOKENS, actual);
        for (int i = 0; i < expected.length; i++) {
            // Bit for bit: the GEMM keeps each output in one fused multiply-add chain over k.
            assertEquals(Float.floatToRawIntBits(expected[i]), Float.floatToRawIntBits(actual[i]),
                    "token " + i / ROWS + " row " + i % ROWS);
        }
    }

    @ParameterizedTest
    @EnumSource(WeightType.class)
    void matmulIsWithinTheSummationBoundOfTheDoubleReference(WeightType type) {
        WeightMatrix w = WeightMatrixTest.random(type, ROWS, COLS, 15);
        float[] x = WeightMatrixTest.randomVector(TOKENS * COLS, 16);
        float[] out = new float[TOKENS * ROWS];
        w.matmul(x, TOKENS, out);
        float[] xt = new float[COLS];
        float[] expected = new float[ROWS];
        for (int t = 0; t < TOKENS; t++) {
            System.arraycopy(x, t * COLS, xt, 0, COLS);
            ReferenceKernels.matvec(w, xt, expected);
            for (int r = 0; r < ROWS; r++) {
                double err = Math.abs(expected[r] - out[t * ROWS + r]);
                assertTrue(err <= bound(w, r, xt, 0), "token " + t + " row " + r);
            }
        }
    }
}
