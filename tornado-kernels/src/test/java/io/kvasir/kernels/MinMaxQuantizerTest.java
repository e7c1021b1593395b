package io.kvasir.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The vectors of docs/methods/kivi.md#test-vectors (computed with numpy) and the half-step error bound. */
class MinMaxQuantizerTest {
    private static int[] codes(float[] x, int bits) {
        int[] c = new int[x.length];
        MinMaxQuantizer.quantize(x, bits, c);
        return c;
    }

    private static float[] dequant(float[] x, int bits) {
        int[] c = new int[x.length];
        MinMaxQuantizer.Group g = MinMaxQuantizer.quantize(x, bits, c);
        float[] out = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = MinMaxQuantizer.dequantize(c[i], g.scale(), g.zero());
        }
        return out;
    }

    @Test
    void q1ToQ3TwoBitGroupsAndHalfEvenRounding() {
        assertArrayEquals(new int[] {0, 1, 2, 3}, codes(new float[] {0, 1, 2, 3}, 2));
        assertArrayEquals(new float[] {0, 1, 2, 3}, dequant(new float[] {0, 1, 2, 3}, 2), 0f);
        assertArrayEquals(new int[] {0, 1, 1, 3}, codes(new float[] {-1.0f, -0.2f, 0.4f, 2.0f}, 2));
        assertArrayEquals(new float[] {-1, 0, 0, 2}, dequant(new float[] {-1.0f, -0.2f, 0.4f, 2.0f}, 2), 0f);
        // Half-up rounding would give [0, 1, 2, 3].
        assertArrayEquals(new int[] {0, 0, 2, 3}, codes(new float[] {0, 0.5f, 1.5f, 3}, 2));
        assertArrayEquals(new float[] {0, 0, 2, 3}, dequant(new float[] {0, 0.5f, 1.5f, 3}, 2), 0f);
    }

    @Test
    void q4HalfMetadataAndAllWidths() {
        float[] x = {0.1f, -0.35f, 0.72f, 1.3f, -0.9f, 0.05f, 0.44f, -0.1f};
        int[] c = new int[8];
        MinMaxQuantizer.Group g = MinMaxQuantizer.quantize(x, 2, c);
        assertArrayEquals(new int[] {1, 1, 2, 3, 0, 1, 2, 1}, c);
        assertEquals(0.73339844f, g.scale(), 0f);
        assertEquals(1.22753906f, g.zero(), 0f);
        float[] expected = {-0.16687f, -0.16687f, 0.56641f, 1.29980f, -0.90039f, -0.16687f, 0.56641f, -0.16687f};
        for (int i = 0; i < 8; i++) {
            assertEquals(expected[i], MinMaxQuantizer.dequantizeHalf(c[i], g), 1e-5f, "element " + i);
        }
        assertArrayEquals(new int[] {7, 4, 11, 15, 0, 6, 9, 5}, codes(x, 4));
        assertArrayEquals(new int[] {116, 64, 188, 255, 0, 110, 155, 93}, codes(x, 8));
    }

    @Test
    void q5ConstantGroupsStayFinite() {
        assertArrayEquals(new int[] {0, 0, 0, 0}, codes(new float[] {0.5f, 0.5f, 0.5f, 0.5f}, 2));
        assertArrayEquals(new float[] {0.5f, 0.5f, 0.5f, 0.5f}, dequant(new float[] {0.5f, 0.5f, 0.5f, 0.5f}, 2), 0f);
        // The reference's fp16 zero overflows to -inf here and dequantizes to +inf (docs/methods/kivi.md#test-vectors, Q5).
        assertArrayEquals(new float[] {5, 5, 5, 5}, dequant(new float[] {5, 5, 5, 5}, 2), 0f);
    }

    @Test
    void q6ReferenceAxes() {
        float[] x = new float[2 * 3 * 4];
        for (int f = 0; f < x.length; f++) {
            x[f] = f % 5;
        }
        float[] axis1 = MinMaxQuantizer.roundTripFlat(x, 4, 1, 2);
        assertArrayEquals(new float[] {4, 0, 1.3333f, 2.6667f}, java.util.Arrays.copyOfRange(axis1, 4, 8), 2e-3f);
        float[] axis0 = MinMaxQuantizer.roundTripFlat(x, 4, 0, 2);
        float[] group2 = {axis0[2], axis0[8], axis0[14], axis0[20]};
        assertArrayEquals(new float[] {2.6667f, 2.6667f, 4, 0}, group2, 2e-3f);
        assertThrows(IllegalArgumentException.class, () -> MinMaxQuantizer.roundTripFlat(x, 5, 1, 2));
    }

    @Test
    void q7PerTokenVersusPerChannel() {
        float[][] k = {{0.1f, -0.2f, 0.3f, 8}, {0.2f, 0.1f, -0.1f, 9}, {-0.3f, 0.2f, 0, 10}, {0, -0.1f, 0.2f, 11}};
        float[][] perToken = {{-0.2f, -0.2f, -0.2f, 8}, {-0.1f, -0.1f, -0.1f, 9}, {-0.3f, -0.3f, -0.3f, 10}, {-0.1f, -0.1f, -0.1f, 11}};
        for (int t = 0; t < 4; t++) {
            assertArrayEquals(new int[] {0, 0, 0, 3}, codes(k[t], 2));
            assertArrayEquals(perToken[t], dequant(k[t], 2), 5e-3f);
        }
        int[][] channelCodes = {{2, 3, 0, 2}, {0, 2, 3, 1}, {3, 0, 1, 2}, {0, 1, 2, 3}};
        float[][] perChannel = {{0.0334f, -0.2f, 0.2998f, 8}, {0.2f, 0.0667f, -0.1f, 9}, {-0.2998f, 0.2f, 0.0333f, 10},
            {0.0334f, -0.0667f, 0.1666f, 11}};
        for (int d = 0; d < 4; d++) {
            float[] column = {k[0][d], k[1][d], k[2][d], k[3][d]};
            assertArrayEquals(channelCodes[d], codes(column, 2), "channel " + d);
            float[] dq = dequant(column, 2);
            for (int t = 0; t < 4; t++) {
                assertEquals(perChannel[t][d], dq[t], 5e-3f);
            }
        }
    }

    @Test
    void roundTripErrorIsAtMostHalfAStep() {
        SplittableRandom r = new SplittableRandom(7);
        for (int bits : new int[] {8, 4, 2}) {
            for (int trial = 0; trial < 2000; trial++) {
                int n = 1 + r.nextInt(64);
                float center = (float) (r.nextDouble() * 20 - 10);
                float spread = (float) Math.pow(10, r.nextDouble() * 4 - 3);
                float[] x = new float[n];
                for (int i = 0; i < n; i++) {
                    x[i] = center + (float) (r.nextDouble() - 0.5) * spread;
                }
                int[] c = new int[n];
                MinMaxQuantizer.Group g = MinMaxQuantizer.quantize(x, bits, c);
                float lo = Float.POSITIVE_INFINITY;
                for (float v : x) {
                    lo = Math.min(lo, v);
                }
                for (int i = 0; i < n; i++) {
                    float err = Math.abs(x[i] - MinMaxQuantizer.dequantize(c[i], g.scale(), g.zero()));
                    // Half a step, plus the rounding of scale and zero to half precision (relative 2^-11
                    // each, carried by |x| and |lo|) and float32 arithmetic.
                    float bound = 0.5f * g.scale() + 0x1p-10f * (Math.abs(x[i]) + Math.abs(lo)) + 1e-6f;
                    assertTrue(err <= bound, bits + "-bit error " + err + " > " + bound + " at " + x[i]);
                }
            }
        }
    }

    @Test
    void rejectsOtherWidths() {
        assertThrows(IllegalArgumentException.class, () -> codes(new float[] {1, 2}, 3));
    }
}
