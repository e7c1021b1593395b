package io.kvasir.compression;

import io.kvasir.compression.policy.CompressionPolicy;
import io.kvasir.compression.policy.LayerPrefill;

/** One policy per layer (LayerQuant's per-layer token budgets, docs/methods/layerquant.md#the-rule). */
final class PerLayerPolicy implements CompressionPolicy {
    private final CompressionPolicy[] perLayer;

    PerLayerPolicy(CompressionPolicy[] perLayer) {
        this.perLayer = perLayer.clone();
    }

    @Override
    public String name() {
        return perLayer[0].name();
    }

    @Override
    public int queryRowsNeeded(int promptLength) {
        int rows = 0;
        for (CompressionPolicy p : perLayer) {
            rows = Math.max(rows, p.queryRowsNeeded(promptLength));
        }
        return rows;
    }

    @Override
    public int[][] select(LayerPrefill prefill) {
        return perLayer[prefill.layer()].select(prefill);
    }

    @Override
    public int[][] selectInCacheOrder(LayerPrefill prefill) {
        return perLayer[prefill.layer()].selectInCacheOrder(prefill);
    }

    @Override
    public boolean needsAttentionMass() {
        for (CompressionPolicy p : perLayer) {
            if (p.needsAttentionMass()) {
                return true;
            }
        }
        return false;
    }
}
