package io.kvasir.compression.h2o;

import io.kvasir.compression.policy.CompressionPolicy;
import io.kvasir.compression.policy.KeptPositions;
import io.kvasir.compression.policy.KvLayout;
import io.kvasir.compression.policy.LayerPrefill;
import io.kvasir.compression.scoring.AttentionMass;
import io.kvasir.compression.scoring.GqaScores;
import io.kvasir.compression.scoring.ScoreAggregation;
import io.kvasir.compression.scoring.TopK;

/**
 * H2O, the one-shot prefill version of both reference repositories (docs/methods/h2o.md#the-rule): per stored
 * head, the {@code budget - window} candidates with the largest accumulated attention over all prompt
 * queries ("heavy hitters"), no pooling, plus the last {@code window} tokens. Nothing is evicted during
 * decoding; a streaming H2O is a different baseline (docs/methods/h2o.md#differences-from-the-reference).
 */
public final class H2oPolicy implements CompressionPolicy {
    /** The method\'s name on the command line and in results. */
    public static final String NAME = "h2o";

    private final int budget;
    private final int window;
    private final ScoreAggregation aggregation;
    private final AttentionMass.Mask mask;

    /**
     * @param mask {@link AttentionMass.Mask#CAUSAL} for H2O as defined; {@code WINDOW_BLOCK_ONLY}
     *             reproduces the QPruningKV paper's masking bug, and then the policy computes the
     *             mass itself because the model's causal mass would not match
     */
    public H2oPolicy(int budget, int window, ScoreAggregation aggregation, AttentionMass.Mask mask) {
        if (window < 1 || budget <= window) {
            throw new IllegalArgumentException("h2o budget (" + budget + " tokens) must be larger than the window ("
                    + window + " tokens)");
        }
        this.budget = budget;
        this.window = window;
        this.aggregation = aggregation;
        this.mask = mask;
    }

    @Override
    public String name() {
        return NAME;
    }

    /** None with the model's causal mass; the window-block mask recomputes the mass from every query. */
    @Override
    public int queryRowsNeeded(int promptLength) {
        return mask == AttentionMass.Mask.CAUSAL ? 0 : promptLength;
    }

    @Override
    public boolean needsAttentionMass() {
        return mask == AttentionMass.Mask.CAUSAL;
    }

    @Override
    public int[][] select(LayerPrefill prefill) {
        return KeptPositions.ascending(selectInCacheOrder(prefill));
    }

    /**
     * Uses {@link LayerPrefill#attentionMass()} when given (causal mode); otherwise computes it
     * from Q and K, which costs a second full attention pass over the prompt.
     */
    @Override
    public int[][] selectInCacheOrder(LayerPrefill prefill) {
        int n = prefill.promptLength();
        KvLayout layout = prefill.layout();
        if (n <= budget) {
            return KeptPositions.all(layout, n);
        }
        float[] mass = mask == AttentionMass.Mask.CAUSAL && prefill.attentionMass() != null
                ? prefill.attentionMass()
                : AttentionMass.compute(prefill, mask, window);
        int candidates = n - window;
        float[][] perQuery = new float[layout.queryHeads()][candidates];
        for (int h = 0; h < perQuery.length; h++) {
            System.arraycopy(mass, h * n, perQuery[h], 0, candidates);
        }
        float[][] perStored = GqaScores.perStoredHead(perQuery, layout, aggregation);
        int[][] kept = new int[perStored.length][];
        for (int s = 0; s < kept.length; s++) {
            kept[s] = KeptPositions.withWindow(TopK.best(perStored[s], budget - window), n, window);
        }
        return kept;
    }
}
