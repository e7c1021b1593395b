package io.kvasir.compression.streamingllm;

import io.kvasir.compression.policy.CompressionPolicy;
import io.kvasir.compression.policy.KeptPositions;
import io.kvasir.compression.policy.LayerPrefill;
import java.util.stream.IntStream;

/**
 * StreamingLLM as run by the reference harnesses (docs/methods/streamingllm.md#the-rule): the first {@code sinks}
 * prompt tokens ("attention sinks") plus the most recent {@code budget - sinks}, no scores. The
 * reference derives the sink count from its window argument differently per harness (4 on
 * LongBench/RULER, budget - 32 in the needle test), so here it is an explicit parameter (docs/methods/streamingllm.md#differences-from-the-reference).
 * The window is not rolled during decoding, like the reference.
 */
public final class StreamingLlmPolicy implements CompressionPolicy {
    /** The method\'s name on the command line and in results. */
    public static final String NAME = "streamingllm";

    private final int budget;
    private final int sinks;

    /**
     * @param budget tokens kept per stored head, sinks included
     * @param sinks  leading tokens always kept, 0 <= sinks < budget
     */
    public StreamingLlmPolicy(int budget, int sinks) {
        if (sinks < 0 || sinks >= budget) {
            throw new IllegalArgumentException("streamingllm sink tokens (" + sinks + ") must be in 0.." + (budget - 1)
                    + " for a budget of " + budget + " tokens");
        }
        this.budget = budget;
        this.sinks = sinks;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int queryRowsNeeded(int promptLength) {
        return 0;
    }

    @Override
    public int[][] select(LayerPrefill prefill) {
        int n = prefill.promptLength();
        if (n <= budget) {
            return KeptPositions.all(prefill.layout(), n);
        }
        int[] kept = IntStream.concat(IntStream.range(0, sinks), IntStream.range(n - (budget - sinks), n)).toArray();
        return KeptPositions.same(prefill.layout(), kept);
    }
}
