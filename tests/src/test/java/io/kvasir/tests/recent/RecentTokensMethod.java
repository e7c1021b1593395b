package io.kvasir.tests.recent;

import io.kvasir.compression.CompressionConfig;
import io.kvasir.compression.CompressionMethod;
import io.kvasir.compression.policy.CompressionPolicy;
import io.kvasir.compression.policy.KvLayout;

/** The registration of the test-only {@link RecentTokensPolicy}: all kvasir needs to run it. */
public final class RecentTokensMethod implements CompressionMethod {
    @Override
    public String cliName() {
        return RecentTokensPolicy.NAME;
    }

    @Override
    public CompressionPolicy create(CompressionConfig config, KvLayout layout, Prompt prompt) {
        return new RecentTokensPolicy(config.budget());
    }

    @Override
    public int[] keptPrompt(CompressionConfig config, KvLayout layout, int budget, int promptLength) {
        return CompressionMethod.everyLayer(layout, Math.min(budget, promptLength));
    }
}
