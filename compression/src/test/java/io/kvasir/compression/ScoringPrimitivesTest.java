package io.kvasir.compression;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/**
 * Shared scoring pieces against the vectors S1, S2 of docs/methods/snapkv.md#test-vectors and the tie rule of
 * docs/methods/common.md#top-k-and-ties.
 */
class ScoringPrimitivesTest {
    static final KvLayout ONE_HEAD = OneDimTensors.layout(1, 1, GqaMode.NATIVE);
    static final double[] S1_U = {4, 1, 2, 1, 1, 1};
    static final float[] S2 = {0.10f, 0.05f, 0.90f, 0.02f, 0.01f, 0.30f, 0.03f, 0.04f};

    @Test
    void s1WindowColumnSums() {
        float[][] s = ObservationScores.columnSums(OneDimTensors.prefill(ONE_HEAD, S1_U, 1f), 2, 4, false);
        assertArrayEquals(new float[] {0.844444f, 0.211111f, 0.422222f, 0.211111f}, s[0], 1e-6f);
    }

    @Test
    void s1WindowColumnSumsWithFp16Rounding() {
        // numpy: float16 of each exact probability, summed in float32, rounded to float16.
        float[][] s = ObservationScores.columnSums(OneDimTensors.prefill(ONE_HEAD, S1_U, 1f), 2, 4, true);
        assertArrayEquals(new float[] {0.84423828125f, 0.2110595703125f, 0.422119140625f, 0.2110595703125f}, s[0]);
    }

    @Test
    void windowKeysAfterTheQueryAreMasked() {
        // Row 4 must not see key 5; if it did, its weights would be u/10 and the sums would change.
        float[][] s = ObservationScores.columnSums(OneDimTensors.prefill(ONE_HEAD, S1_U, 1f), 2, 6, false);
        assertEquals(1f / 9 + 1f / 10, s[0][4], 1e-6f);
        assertEquals(1f / 10, s[0][5], 1e-6f);
    }

    @Test
    void s1Pooling() {
        float[] s = {0.844444f, 0.211111f, 0.422222f, 0.211111f};
        assertArrayEquals(new float[] {0.844444f, 0.844444f, 0.422222f, 0.422222f},
                ScorePooling.apply(s, Pooling.MAXPOOL, 3), 1e-6f);
        assertArrayEquals(new float[] {0.351852f, 0.492593f, 0.281481f, 0.211111f},
                ScorePooling.apply(s, Pooling.AVGPOOL, 3), 1e-6f);
    }

    @Test
    void s2PoolingAndSelection() {
        float[] max = ScorePooling.apply(S2, Pooling.MAXPOOL, 3);
        assertArrayEquals(new float[] {0.10f, 0.90f, 0.90f, 0.90f, 0.30f, 0.30f, 0.30f, 0.04f}, max, 0f);
        assertArrayEquals(new int[] {1, 2, 3}, TopK.select(max, 3));
        assertArrayEquals(new int[] {1, 2, 3, 4, 5, 6}, TopK.select(max, 6));
        float[] avg = ScorePooling.apply(S2, Pooling.AVGPOOL, 3);
        assertArrayEquals(new float[] {0.05f, 0.35f, 0.323333f, 0.31f, 0.11f, 0.113333f, 0.123333f, 0.023333f}, avg, 1e-6f);
        assertArrayEquals(new int[] {1, 2, 3}, TopK.select(avg, 3));
        assertArrayEquals(new int[] {0, 2, 5}, TopK.select(ScorePooling.apply(S2, Pooling.NONE, 3), 3));
        assertArrayEquals(new int[] {0, 2, 5}, TopK.select(ScorePooling.apply(S2, Pooling.MAXPOOL, 1), 3));
    }

    @Test
    void evenKernelIsRejected() {
        var e = assertThrows(IllegalArgumentException.class, () -> ScorePooling.apply(S2, Pooling.MAXPOOL, 4));
        assertEquals("pooling kernel size must be odd and at least 1, got 4", e.getMessage());
    }

    @Test
    void tiesGoToTheLowerPosition() {
        assertArrayEquals(new int[] {1}, TopK.select(new float[] {1, 2, 2, 1}, 1));
        assertArrayEquals(new int[] {0, 1}, TopK.select(new float[] {0.5f, 0.5f, 0.5f}, 2));
        assertArrayEquals(new int[] {1, 3, 0, 2}, TopK.rank(new float[] {0.3f, 0.9f, 0.3f, 0.9f}));
        assertArrayEquals(new int[] {0, 1}, TopK.rank(new float[] {-0.0f, 0.0f}));
        assertArrayEquals(new int[] {2, 0, 1}, TopK.rank(new float[] {-1f, -2f, 3f}));
        assertArrayEquals(new int[] {0, 1, 2}, TopK.select(new float[] {3, 1, 2}, 7));
        assertArrayEquals(new int[0], TopK.select(new float[] {3, 1, 2}, 0));
    }

    @Test
    void gqaReductionPerMode() {
        float[][] perQuery = {{1, 4}, {3, 2}, {5, 0}, {7, 0}};
        KvLayout nativeLayout = new KvLayout(1, 2, 4, 1, GqaMode.NATIVE);
        assertArrayEquals(new float[][] {{2, 3}, {6, 0}}, GqaScores.perStoredHead(perQuery, nativeLayout, ScoreAggregation.MEAN));
        assertArrayEquals(new float[][] {{3, 4}, {7, 0}}, GqaScores.perStoredHead(perQuery, nativeLayout, ScoreAggregation.MAX));
        assertArrayEquals(new float[][] {{4, 6}, {12, 0}}, GqaScores.perStoredHead(perQuery, nativeLayout, ScoreAggregation.SUM));
        KvLayout repeat = new KvLayout(1, 2, 4, 1, GqaMode.REPEAT);
        assertArrayEquals(perQuery, GqaScores.perStoredHead(perQuery, repeat, ScoreAggregation.MEAN));
    }
}
