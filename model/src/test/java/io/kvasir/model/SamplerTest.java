package io.kvasir.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SamplerTest {
    @Test
    void greedyTakesTheFirstMaximum() {
        assertEquals(1, new Sampler(SamplingSettings.GREEDY).sample(new float[] {0f, 3f, 3f, -1f}));
    }

    @Test
    void topKOneIsGreedyWhateverTheTemperature() {
        Sampler s = new Sampler(new SamplingSettings(5.0, 1, 1, 7));
        for (int i = 0; i < 50; i++) {
            assertEquals(2, s.sample(new float[] {1f, 0f, 1.5f}));
        }
    }

    @Test
    void topPKeepsTheSmallestSetReachingP() {
        // probabilities 0.5, 0.3, 0.2 (logits are their logs): top-p 0.7 keeps ids 0 and 1 only
        float[] logits = {(float) Math.log(0.5), (float) Math.log(0.3), (float) Math.log(0.2)};
        Sampler s = new Sampler(new SamplingSettings(1.0, 0, 0.7, 3));
        int[] counts = new int[3];
        for (int i = 0; i < 4000; i++) {
            counts[s.sample(logits)]++;
        }
        assertEquals(0, counts[2]);
        // renormalised 0.5/0.8 = 0.625; 4000 draws give a standard error of ~0.008
        assertEquals(0.625, counts[0] / 4000.0, 0.04);
    }

    @Test
    void sameSeedSameDraws() {
        float[] logits = {0.1f, 0.2f, 0.3f, 0.4f, 0.5f};
        Sampler a = new Sampler(new SamplingSettings(1.0, 0, 1, 11));
        Sampler b = new Sampler(new SamplingSettings(1.0, 0, 1, 11));
        for (int i = 0; i < 100; i++) {
            assertEquals(a.sample(logits), b.sample(logits));
        }
    }

    @Test
    void rejectsBadSettings() {
        assertThrows(IllegalArgumentException.class, () -> new SamplingSettings(-1, 0, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> new SamplingSettings(1, -1, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> new SamplingSettings(1, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new SamplingSettings(1, 0, 1.5, 0));
    }

    @Test
    void logSoftmaxAndTopIds() {
        float[] lp = LogProbs.of(new float[] {1f, 2f, 3f});
        double z = Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3));
        assertEquals(3 - z, lp[2], 1e-6);
        assertEquals(1 - z, lp[0], 1e-6);
        assertArrayEquals(new int[] {2, 1}, LogProbs.topIds(lp, 2));
        assertArrayEquals(new int[] {1, 3, 0}, LogProbs.topIds(new float[] {0f, 5f, -1f, 5f}, 3));
        assertTrue(LogProbs.topIds(new float[] {1f}, 5).length == 1);
    }
}
