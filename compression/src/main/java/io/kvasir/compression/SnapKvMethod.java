package io.kvasir.compression;

import io.kvasir.compression.policy.CompressionPolicy;
import io.kvasir.compression.policy.KvLayout;
import io.kvasir.compression.snapkv.SnapKvPolicy;

/** Registration of {@link SnapKvPolicy}: pooled observation-window scores, top-k per stored head. */
final class SnapKvMethod extends ObservationWindowMethod {
    @Override
    public String cliName() {
        return SnapKvPolicy.NAME;
    }

    @Override
    public CompressionPolicy create(CompressionConfig c, KvLayout layout, Prompt prompt) {
        return new SnapKvPolicy(c.budget(), selection(c));
    }
}
