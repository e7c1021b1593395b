package io.kvasir.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class VectorMathTest {
    @Test
    void dotAndAxpyMatchScalarLoops() {
        float[] a = WeightMatrixTest.randomVector(67, 5);
        float[] b = WeightMatrixTest.randomVector(80, 6);
        double expected = 0;
        for (int i = 0; i < 60; i++) {
            expected += (double) a[i + 3] * b[i + 10];
        }
        assertEquals(expected, VectorMath.dot(a, 3, b, 10, 60), 1e-5);
        float[] out = b.clone();
        VectorMath.axpy(0.5f, a, 0, out, 1, 67);
        for (int i = 0; i < 67; i++) {
            assertEquals(b[i + 1] + 0.5f * a[i], out[i + 1], 1e-6);
        }
    }

    @Test
    void rmsNormAndSoftmaxMatchReference() {
        float[] x = WeightMatrixTest.randomVector(33, 7);
        float[] w = WeightMatrixTest.randomVector(33, 8);
        float[] expected = new float[33];
        ReferenceKernels.rmsNorm(x, w, 1e-5, expected);
        float[] actual = new float[33];
        VectorMath.rmsNorm(x, 0, w, 1e-5f, actual, 0, 33);
        assertArrayEquals(expected, actual, 1e-5f);
        float[] s = x.clone();
        VectorMath.softmax(s, 0, s.length);
        assertArrayEquals(ReferenceKernels.softmax(x), s, 1e-6f);
    }

    @Test
    void swigluIsSiluOfGateTimesUp() {
        float[] gate = {0f, 1f, -2f};
        float[] up = {3f, 2f, 1f};
        VectorMath.swiglu(gate, up, 3);
        assertEquals(0f, gate[0], 0);
        assertEquals(2 * (1 / (1 + Math.exp(-1))), gate[1], 1e-6);
        assertEquals(-2 / (1 + Math.exp(2)), gate[2], 1e-6);
    }
}
