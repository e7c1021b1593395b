package io.kvasir.compression;

import io.kvasir.compression.h2o.H2oPolicy;
import io.kvasir.compression.policy.CompressionPolicy;
import io.kvasir.compression.policy.KvLayout;
import io.kvasir.compression.scoring.AttentionMass;

/** Registration of {@link H2oPolicy}: heavy hitters by accumulated prefill attention plus the window. */
final class H2oMethod extends ObservationWindowMethod {
    @Override
    public String cliName() {
        return H2oPolicy.NAME;
    }

    @Override
    public CompressionPolicy create(CompressionConfig c, KvLayout layout, Prompt prompt) {
        return new H2oPolicy(c.budget(), c.window(), c.aggregation(),
                c.h2oPaperMask() ? AttentionMass.Mask.WINDOW_BLOCK_ONLY : AttentionMass.Mask.CAUSAL);
    }
}
