package io.kvasir.compression.full;

import io.kvasir.compression.policy.CompressionPolicy;
import io.kvasir.compression.policy.LayerPrefill;
import java.util.stream.IntStream;

/** Keeps every prompt token: the uncompressed baseline. */
public final class FullKvPolicy implements CompressionPolicy {
    /** The method\'s name on the command line and in results. */
    public static final String NAME = "full";

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
        int[] all = IntStream.range(0, prefill.promptLength()).toArray();
        int[][] kept = new int[prefill.layout().storedHeads()][];
        for (int h = 0; h < kept.length; h++) {
            kept[h] = all.clone();
        }
        return kept;
    }
}
