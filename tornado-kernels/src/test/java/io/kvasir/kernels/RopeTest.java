package io.kvasir.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class RopeTest {
    /** Llama-3.2-1B's rope: head_dim 64, theta 500000, llama3 scaling factor 32, low 1, high 4, original 8192. */
    private static final Rope.Llama3Scaling LLAMA_32 = new Rope.Llama3Scaling(32, 1, 4, 8192);

    @Test
    void llama3FrequenciesMatchTransformers() {
        // Values printed by transformers 5.17 ROPE_INIT_FUNCTIONS["llama3"] for that configuration:
        // high band (unchanged), medium band (smoothed) and low band (divided by the factor).
        float[] inv = Rope.inverseFrequencies(64, 500000, LLAMA_32);
        int[] index = {0, 5, 10, 12, 13, 14, 15, 16, 17, 20, 25, 31};
        double[] expected = {1.0, 0.12868738174438477, 0.016560440883040428, 0.00729266507551074,
            0.00483942124992609, 0.0032114461064338684, 0.0012905480107292533, 0.000429556705057621,
            9.708286233944818e-05, 8.570255886297673e-06, 1.1028836297555245e-06, 9.418306490260875e-08};
        for (int i = 0; i < index.length; i++) {
            assertEquals(expected[i], inv[index[i]], expected[i] * 2e-7, "inv_freq[" + index[i] + "]");
        }
    }

    @Test
    void angleAtLongPositionMatchesTransformers() {
        Rope rope = new Rope(64, 500000, LLAMA_32);
        float[] cos = new float[32];
        float[] sin = new float[32];
        rope.angles(1000, cos, sin);
        assertEquals(-0.9982168674468994, cos[3], 2e-6); // torch: cos(292.22784 rad)
    }

    @Test
    void rotatesElementIWithElementIPlusHalf() {
        Rope rope = new Rope(4, 10000, null);
        float[] inv = Rope.inverseFrequencies(4, 10000, null);
        assertArrayEquals(new float[] {1f, 0.01f}, inv, 1e-9f);
        float[] x = {1, 2, 3, 4};
        float[] expected = ReferenceKernels.rope(x, 7, inv);
        float[] cos = new float[2];
        float[] sin = new float[2];
        rope.angles(7, cos, sin);
        rope.rotate(x, 0, 1, cos, sin);
        assertArrayEquals(expected, x, 2e-6f);
        // by hand: pair (x0, x2) turns by 7 rad
        assertEquals(1 * Math.cos(7) - 3 * Math.sin(7), x[0], 2e-6);
        assertEquals(3 * Math.cos(7) + 1 * Math.sin(7), x[2], 2e-6);
    }
}
