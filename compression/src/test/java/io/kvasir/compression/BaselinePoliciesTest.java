package io.kvasir.compression;

import static io.kvasir.compression.OneDimTensors.concat;
import static io.kvasir.compression.OneDimTensors.prefill;
import static io.kvasir.compression.OneDimTensors.range;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * SnapKV, StreamingLLM and H2O against the hand-computed vectors S1, S3, S4 (docs/methods/snapkv.md#test-vectors),
 * T1-T4 (docs/methods/streamingllm.md#test-vectors) and H1-H3 (docs/methods/h2o.md#test-vectors).
 */
class BaselinePoliciesTest {
    static final KvLayout ONE_HEAD = OneDimTensors.layout(1, 1, GqaMode.NATIVE);

    static SnapKvPolicy snapKv(int budget, int window, Pooling pooling, int kernel, ScoreAggregation aggregation) {
        return new SnapKvPolicy(budget, new SnapKvSelection(window, pooling, kernel, aggregation, false));
    }

    static int[] onlyHead(int[][] kept) {
        assertEquals(1, kept.length);
        return kept[0];
    }

    @Test
    void s1SnapKvPerPooling() {
        LayerPrefill p = prefill(ONE_HEAD, new double[] {4, 1, 2, 1, 1, 1}, 1f);
        assertArrayEquals(new int[] {0, 2, 4, 5}, onlyHead(snapKv(4, 2, Pooling.MAXPOOL, 1, ScoreAggregation.MEAN).select(p)));
        assertArrayEquals(new int[] {0, 1, 4, 5}, onlyHead(snapKv(4, 2, Pooling.MAXPOOL, 3, ScoreAggregation.MEAN).select(p)));
        assertArrayEquals(new int[] {0, 1, 4, 5}, onlyHead(snapKv(4, 2, Pooling.AVGPOOL, 3, ScoreAggregation.MEAN).select(p)));
    }

    @Test
    void s3SnapKvShortPrompts() {
        SnapKvPolicy policy = snapKv(4, 2, Pooling.MAXPOOL, 1, ScoreAggregation.MEAN);
        assertArrayEquals(new int[] {0, 1, 2}, onlyHead(policy.select(prefill(ONE_HEAD, new double[] {1, 1, 1}, 1f))));
        assertArrayEquals(new int[] {0, 1, 2, 3}, onlyHead(policy.select(prefill(ONE_HEAD, new double[] {1, 3, 1, 1}, 1f))));
    }

    @Test
    void s4GqaQueryHeadLayoutKeepsTwoSelections() {
        KvLayout repeat = OneDimTensors.layout(1, 2, GqaMode.REPEAT);
        LayerPrefill p = prefill(repeat, new double[] {1, 1, 2, 2, 1, 1}, 1f, -1f);
        float[][] s = ObservationScores.columnSums(p, 2, 4, false);
        assertArrayEquals(new float[] {0.267857f, 0.267857f, 0.535714f, 0.535714f}, s[0], 1e-6f);
        assertArrayEquals(new float[] {0.45f, 0.45f, 0.225f, 0.225f}, s[1], 1e-6f);
        int[][] kept = snapKv(4, 2, Pooling.NONE, 1, ScoreAggregation.MEAN).select(p);
        assertArrayEquals(new int[][] {{2, 3, 4, 5}, {0, 1, 4, 5}}, kept);
    }

    @Test
    void s4GqaKvHeadLayoutKeepsOneSelection() {
        KvLayout nativeLayout = OneDimTensors.layout(1, 2, GqaMode.NATIVE);
        LayerPrefill p = prefill(nativeLayout, new double[] {1, 1, 2, 2, 1, 1}, 1f, -1f);
        float[][] mean = GqaScores.perStoredHead(ObservationScores.columnSums(p, 2, 4, false), nativeLayout, ScoreAggregation.MEAN);
        assertArrayEquals(new float[] {0.358929f, 0.358929f, 0.380357f, 0.380357f}, mean[0], 1e-6f);
        for (ScoreAggregation agg : new ScoreAggregation[] {ScoreAggregation.MEAN, ScoreAggregation.MAX}) {
            assertArrayEquals(new int[][] {{2, 3, 4, 5}}, snapKv(4, 2, Pooling.NONE, 1, agg).select(p), agg.name());
        }
    }

    @Test
    void t1ToT4StreamingLlm() {
        double[] ten = new double[10];
        java.util.Arrays.fill(ten, 1);
        assertArrayEquals(new int[] {0, 1, 2, 3, 8, 9}, onlyHead(new StreamingLlmPolicy(6, 4).select(prefill(ONE_HEAD, ten, 1f))));
        assertArrayEquals(range(0, 5), onlyHead(new StreamingLlmPolicy(6, 4).select(prefill(ONE_HEAD, new double[5], 1f))));
        assertArrayEquals(range(0, 6), onlyHead(new StreamingLlmPolicy(6, 4).select(prefill(ONE_HEAD, new double[6], 1f))));
        // Needle rule: w = 32, so B - 32 = 64 sinks.
        assertArrayEquals(concat(range(0, 64), range(168, 200)),
                onlyHead(new StreamingLlmPolicy(96, 64).select(prefill(ONE_HEAD, new double[200], 1f))));
    }

    @Test
    void h1CausalMassAndSelection() {
        LayerPrefill p = prefill(ONE_HEAD, new double[] {3, 1, 2, 1, 1}, 1f);
        float[] mass = AttentionMass.compute(p, AttentionMass.Mask.CAUSAL, 1);
        assertArrayEquals(new float[] {3.053571f, 0.684524f, 0.869048f, 0.267857f},
                java.util.Arrays.copyOf(mass, 4), 1e-6f);
        assertArrayEquals(new int[] {0, 2, 4}, onlyHead(new H2oPolicy(3, 1, ScoreAggregation.MEAN, AttentionMass.Mask.CAUSAL).select(p)));
        float[] buggy = AttentionMass.compute(p, AttentionMass.Mask.WINDOW_BLOCK_ONLY, 1);
        assertArrayEquals(new float[] {1.875f, 0.625f, 1.25f, 0.625f}, java.util.Arrays.copyOf(buggy, 4), 1e-6f);
        assertArrayEquals(new int[] {0, 2, 4},
                onlyHead(new H2oPolicy(3, 1, ScoreAggregation.MEAN, AttentionMass.Mask.WINDOW_BLOCK_ONLY).select(p)));
    }

    @Test
    void h2MaskBugChangesTheSelection() {
        LayerPrefill p = prefill(ONE_HEAD, new double[] {1, 1, 2, 2, 1, 1}, 1f);
        assertArrayEquals(new float[] {2.184524f, 1.184524f, 1.369048f, 0.869048f},
                java.util.Arrays.copyOf(AttentionMass.compute(p, AttentionMass.Mask.CAUSAL, 2), 4), 1e-6f);
        assertArrayEquals(new int[] {0, 2, 4, 5},
                onlyHead(new H2oPolicy(4, 2, ScoreAggregation.MEAN, AttentionMass.Mask.CAUSAL).select(p)));
        assertArrayEquals(new float[] {0.767857f, 0.767857f, 1.535714f, 1.535714f},
                java.util.Arrays.copyOf(AttentionMass.compute(p, AttentionMass.Mask.WINDOW_BLOCK_ONLY, 2), 4), 1e-6f);
        assertArrayEquals(new int[] {2, 3, 4, 5},
                onlyHead(new H2oPolicy(4, 2, ScoreAggregation.MEAN, AttentionMass.Mask.WINDOW_BLOCK_ONLY).select(p)));
    }

    @Test
    void h3ShortPrompt() {
        assertArrayEquals(new int[] {0, 1},
                onlyHead(new H2oPolicy(3, 1, ScoreAggregation.MEAN, AttentionMass.Mask.CAUSAL).select(prefill(ONE_HEAD, new double[] {1, 2}, 1f))));
    }

    @Test
    void h2oUsesTheModelsMassWhenGiven() {
        H2oPolicy causal = new H2oPolicy(3, 1, ScoreAggregation.MEAN, AttentionMass.Mask.CAUSAL);
        assertTrue(causal.needsAttentionMass());
        assertFalse(new H2oPolicy(3, 1, ScoreAggregation.MEAN, AttentionMass.Mask.WINDOW_BLOCK_ONLY).needsAttentionMass());
        LayerPrefill p = prefill(ONE_HEAD, new double[] {3, 1, 2, 1, 1}, 1f);
        float[] mass = {0, 5, 0, 4, 1};
        LayerPrefill withMass = new LayerPrefill(0, ONE_HEAD, 5, p.keys(), p.values(), p.queries(), mass);
        assertArrayEquals(new int[] {1, 3, 4}, onlyHead(causal.select(withMass)));
    }
}
