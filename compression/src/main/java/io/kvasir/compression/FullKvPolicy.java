package io.kvasir.compression;

import java.util.stream.IntStream;

/** Keeps every prompt token: the uncompressed baseline. */
public final class FullKvPolicy implements CompressionPolicy {
    @Override
    public String name() {
        return "full";
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
