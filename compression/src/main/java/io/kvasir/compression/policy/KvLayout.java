package io.kvasir.compression.policy;

/** Shape of a model's KV cache and how query heads find their stored head. */
public record KvLayout(int layers, int kvHeads, int queryHeads, int headDim, GqaMode gqaMode) {
    public KvLayout {
        if (layers <= 0 || kvHeads <= 0 || queryHeads <= 0 || headDim <= 0) {
            throw new IllegalArgumentException("KV layout sizes must be positive");
        }
        if (queryHeads % kvHeads != 0) {
            throw new IllegalArgumentException("query heads (" + queryHeads + ") must be a multiple of KV heads (" + kvHeads + ")");
        }
    }

    /** Query heads that share one KV head. */
    public int groupSize() {
        return queryHeads / kvHeads;
    }

    /** Heads the cache stores per layer. */
    public int storedHeads() {
        return gqaMode == GqaMode.NATIVE ? kvHeads : queryHeads;
    }

    /** Stored head that query head q attends over. */
    public int storedHeadFor(int queryHead) {
        return gqaMode == GqaMode.NATIVE ? queryHead / groupSize() : queryHead;
    }

    /** KV head whose projections fill stored head s. */
    public int kvHeadOf(int storedHead) {
        return gqaMode == GqaMode.NATIVE ? storedHead : storedHead / groupSize();
    }
}
