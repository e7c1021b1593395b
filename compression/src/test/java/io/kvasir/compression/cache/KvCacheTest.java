package io.kvasir.compression.cache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.kvasir.compression.policy.GqaMode;
import io.kvasir.compression.policy.KvLayout;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

public class KvCacheTest {
    static final KvLayout NATIVE = new KvLayout(2, 2, 4, 8, GqaMode.NATIVE);
    static final KvLayout REPEAT = new KvLayout(2, 2, 4, 8, GqaMode.REPEAT);

    public static float[] random(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (r.nextDouble() * 4 - 2);
        }
        return x;
    }

    @Test
    void queryHeadsMapToStoredHeads() {
        assertEquals(2, NATIVE.storedHeads());
        assertEquals(4, REPEAT.storedHeads());
        assertArrayEquals(new int[] {0, 0, 1, 1}, new int[] {NATIVE.storedHeadFor(0), NATIVE.storedHeadFor(1),
            NATIVE.storedHeadFor(2), NATIVE.storedHeadFor(3)});
        assertEquals(3, REPEAT.storedHeadFor(3));
        assertEquals(1, REPEAT.kvHeadOf(3)); // query heads 2,3 share KV head 1
        assertThrows(IllegalArgumentException.class, () -> new KvLayout(1, 3, 4, 8, GqaMode.NATIVE));
    }

    @ParameterizedTest
    @EnumSource(KvPrecision.class)
    void storesKeptPositionsAndCountsBytes(KvPrecision precision) {
        int t = 5;
        float[] k = random(t * 16, 1);
        float[] v = random(t * 16, 2);
        KvCache cache = new KvCache(NATIVE, precision, 8);
        cache.storePrefill(0, k, v, t, new int[][] {{0, 3, 4}, {1, 2, 3, 4}});
        assertEquals(3, cache.head(0, 0).length());
        assertEquals(3, cache.head(0, 0).position(1));
        float[] key = new float[8];
        cache.head(0, 1).readKey(0, key, 0); // position 1, KV head 1
        for (int d = 0; d < 8; d++) {
            float exact = k[1 * 16 + 8 + d];
            // half precision: relative error at most 2^-11 for normal values
            assertEquals(exact, key[d], precision == KvPrecision.F32 ? 0 : Math.abs(exact) * 0x1p-11f);
        }
        long perEntry = 2L * 8 * precision.bytes();
        assertEquals(7 * perEntry, cache.bytesHeld());
        // uncompressed layer 0 was present while it was being stored: the peak counts it
        assertEquals((long) t * NATIVE.storedHeads() * perEntry, cache.peakBytes());
        assertEquals(2L * t * 2 * 2 * 8 * precision.bytes(), cache.fullKvEquivalentBytes());
    }

    @Test
    void repeatModeCopiesEachKvHeadToItsQueryHeads() {
        float[] k = random(3 * 16, 3);
        float[] v = random(3 * 16, 4);
        KvCache cache = new KvCache(REPEAT, KvPrecision.F32, 4);
        cache.storePrefill(1, k, v, 3, new int[][] {{0}, {1}, {2}, {0, 1, 2}});
        float[] a = new float[8];
        cache.head(1, 3).readValue(2, a, 0);
        float[] expected = java.util.Arrays.copyOfRange(v, 2 * 16 + 8, 2 * 16 + 16);
        assertArrayEquals(expected, a);
        assertEquals(6L * 2 * 8 * 4, cache.bytesHeld());
    }

    @ParameterizedTest
    @EnumSource(KvPrecision.class)
    void attentionPrimitivesMatchPlainLoops(KvPrecision precision) {
        KvCache cache = new KvCache(NATIVE, precision, 1);
        for (int pos = 0; pos < 6; pos++) {
            cache.append(0, pos, random(16, 10 + pos), random(16, 20 + pos));
        }
        HeadStore s = cache.head(0, 1);
        assertEquals(6, s.length());
        float[] q = random(8, 7);
        float[] scores = new float[6];
        s.scores(q, 0, 0.5f, scores);
        float[] p = random(6, 8);
        float[] out = new float[8];
        s.accumulateValues(p, out, 0);
        float[] row = new float[8];
        float[] expectedOut = new float[8];
        for (int i = 0; i < 6; i++) {
            s.readKey(i, row, 0);
            double dot = 0;
            for (int d = 0; d < 8; d++) {
                dot += q[d] * row[d];
            }
            assertEquals(0.5 * dot, scores[i], 1e-5);
            s.readValue(i, row, 0);
            for (int d = 0; d < 8; d++) {
                expectedOut[d] += p[i] * row[d];
            }
        }
        assertArrayEquals(expectedOut, out, 1e-5f);
    }
}
