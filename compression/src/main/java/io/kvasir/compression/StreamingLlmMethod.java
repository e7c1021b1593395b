package io.kvasir.compression;

import io.kvasir.compression.policy.CompressionPolicy;
import io.kvasir.compression.policy.KvLayout;
import io.kvasir.compression.streamingllm.StreamingLlmPolicy;

/** Registration of {@link StreamingLlmPolicy}: sinks plus recent tokens, the budget holding both. */
final class StreamingLlmMethod implements CompressionMethod {
    @Override
    public String cliName() {
        return StreamingLlmPolicy.NAME;
    }

    /** The enum constant earlier releases wrote, kept so that parameter JSON stays the same. */
    @Override
    public String jsonName() {
        return "STREAMING_LLM";
    }

    @Override
    public void validate(CompressionConfig c) {
        if (c.sinkTokens() >= c.budget()) {
            throw new IllegalArgumentException("streamingllm sink tokens (" + c.sinkTokens()
                    + ") must be fewer than the budget (" + c.budget() + " tokens), which also holds the recent tokens");
        }
    }

    @Override
    public int minimumBudget(CompressionConfig config) {
        return config.sinkTokens() + 1;
    }

    @Override
    public CompressionPolicy create(CompressionConfig config, KvLayout layout, Prompt prompt) {
        return new StreamingLlmPolicy(config.budget(), config.sinkTokens());
    }

    @Override
    public int[] keptPrompt(CompressionConfig config, KvLayout layout, int budget, int promptLength) {
        return CompressionMethod.everyLayer(layout, Math.min(promptLength, budget));
    }
}
