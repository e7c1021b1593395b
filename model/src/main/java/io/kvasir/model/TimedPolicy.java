package io.kvasir.model;

import io.kvasir.compression.policy.CompressionPolicy;
import io.kvasir.compression.policy.LayerPrefill;
import java.util.function.Supplier;

/** Wraps a policy to measure the wall time its scoring and selection take during prefill. */
final class TimedPolicy implements CompressionPolicy {
    private final CompressionPolicy policy;
    private long nanos;

    TimedPolicy(CompressionPolicy policy) {
        this.policy = policy;
    }

    @Override
    public String name() {
        return policy.name();
    }

    @Override
    public int[][] select(LayerPrefill prefill) {
        return timed(() -> policy.select(prefill));
    }

    @Override
    public int[][] selectInCacheOrder(LayerPrefill prefill) {
        return timed(() -> policy.selectInCacheOrder(prefill));
    }

    private int[][] timed(Supplier<int[][]> selection) {
        long start = System.nanoTime();
        try {
            return selection.get();
        } finally {
            nanos += System.nanoTime() - start;
        }
    }

    @Override
    public int queryRowsNeeded(int promptLength) {
        return policy.queryRowsNeeded(promptLength);
    }

    @Override
    public boolean needsAttentionMass() {
        return policy.needsAttentionMass();
    }

    @Override
    public CompressionPolicy unwrap() {
        return policy.unwrap();
    }

    double millis() {
        return nanos / 1e6;
    }
}
