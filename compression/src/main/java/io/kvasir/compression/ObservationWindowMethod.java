package io.kvasir.compression;

import io.kvasir.compression.policy.KvLayout;
import io.kvasir.compression.snapkv.SnapKvSelection;

/**
 * What the methods that keep an observation window share (h2o, snapkv, pyramidkv): the budget holds
 * the window and at least one selected token, and a prompt within the budget is kept whole.
 */
abstract class ObservationWindowMethod implements CompressionMethod {
    @Override
    public void validate(CompressionConfig c) {
        if (c.budget() <= c.window()) {
            throw new IllegalArgumentException("budget (" + c.budget() + " tokens) must be larger than the observation"
                    + " window (" + c.window() + " tokens): " + cliName()
                    + " keeps budget - window selected tokens plus the window");
        }
    }

    @Override
    public int minimumBudget(CompressionConfig config) {
        return config.window() + 1;
    }

    @Override
    public int[] keptPrompt(CompressionConfig config, KvLayout layout, int budget, int promptLength) {
        return CompressionMethod.everyLayer(layout, Math.min(promptLength, budget));
    }

    /** SnapKV's scoring and selection with the configuration's window, pooling and aggregation. */
    static SnapKvSelection selection(CompressionConfig c) {
        return new SnapKvSelection(c.window(), c.pooling(), c.kernel(), c.aggregation(), c.fp16Scores());
    }
}
