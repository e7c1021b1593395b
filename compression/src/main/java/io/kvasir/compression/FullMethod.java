package io.kvasir.compression;

import io.kvasir.compression.full.FullKvPolicy;
import io.kvasir.compression.policy.CompressionPolicy;
import io.kvasir.compression.policy.KvLayout;
import java.util.List;

/** Registration of {@link FullKvPolicy}: every prompt token kept, whatever the budget. */
final class FullMethod implements CompressionMethod {
    @Override
    public String cliName() {
        return FullKvPolicy.NAME;
    }

    /** The reference scripts call it FullKV. */
    @Override
    public List<String> aliases() {
        return List.of("fullkv");
    }

    @Override
    public boolean prunes() {
        return false;
    }

    @Override
    public CompressionPolicy create(CompressionConfig config, KvLayout layout, Prompt prompt) {
        return new FullKvPolicy();
    }

    @Override
    public int[] keptPrompt(CompressionConfig config, KvLayout layout, int budget, int promptLength) {
        return CompressionMethod.everyLayer(layout, promptLength);
    }
}
