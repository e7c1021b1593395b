package io.kvasir.compression;

import io.kvasir.compression.policy.CompressionPolicy;
import io.kvasir.compression.policy.KvLayout;
import io.kvasir.compression.pyramidkv.PyramidBudget;
import io.kvasir.compression.pyramidkv.PyramidKvPolicy;

/** Registration of {@link PyramidKvPolicy}: SnapKV's selection with a per-layer pyramid of budgets. */
final class PyramidKvMethod extends ObservationWindowMethod {
    @Override
    public String cliName() {
        return PyramidKvPolicy.NAME;
    }

    @Override
    public CompressionPolicy create(CompressionConfig c, KvLayout layout, Prompt prompt) {
        return new PyramidKvPolicy(pyramid(c, layout, c.budget()), selection(c));
    }

    @Override
    public int[] keptPrompt(CompressionConfig c, KvLayout layout, int budget, int promptLength) {
        PyramidBudget pyramid = pyramid(c, layout, budget);
        int[] out = new int[layout.layers()];
        for (int l = 0; l < out.length; l++) {
            out[l] = promptLength <= budget ? promptLength
                    : Math.min(promptLength, pyramid.selected(l, promptLength) + c.window());
        }
        return out;
    }

    private static PyramidBudget pyramid(CompressionConfig c, KvLayout layout, int budget) {
        return new PyramidBudget(layout.layers(), budget, c.window(), c.pyramidBeta());
    }
}
