package io.kvasir.tests.recent;

import io.kvasir.compression.policy.CompressionPolicy;
import io.kvasir.compression.policy.KeptPositions;
import io.kvasir.compression.policy.LayerPrefill;
import java.util.stream.IntStream;

/**
 * A method that exists only in the tests: every stored head keeps the last {@code budget} prompt
 * tokens. It is StreamingLLM without sinks, written again, so that its results can be checked
 * against that method's.
 */
public final class RecentTokensPolicy implements CompressionPolicy {
    public static final String NAME = "recent";
    private final int budget;

    public RecentTokensPolicy(int budget) {
        this.budget = budget;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int[][] select(LayerPrefill prefill) {
        int n = prefill.promptLength();
        return KeptPositions.same(prefill.layout(), IntStream.range(Math.max(0, n - budget), n).toArray());
    }
}
