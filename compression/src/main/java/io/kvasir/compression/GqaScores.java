package io.kvasir.compression;

/**
 * Turns per-query-head scores into per-stored-head scores (docs/methods/common.md#gqa-native-or-repeat).
 * In {@link GqaMode#REPEAT} stored head s is query head s and keeps its own scores, as the reference
 * repositories do after repeating K/V. In {@link GqaMode#NATIVE} the query heads of a KV group are
 * reduced to one row, so the group stores one selection (KVCache-Factory's kv_head granularity).
 */
public final class GqaScores {
    private GqaScores() {}

    /**
     * @param perQueryHead [queryHeads][candidates]
     * @return [storedHeads][candidates]
     */
    public static float[][] perStoredHead(float[][] perQueryHead, KvLayout layout, ScoreAggregation aggregation) {
        if (perQueryHead.length != layout.queryHeads()) {
            throw new IllegalArgumentException("expected " + layout.queryHeads() + " query-head rows, got " + perQueryHead.length);
        }
        if (layout.gqaMode() == GqaMode.REPEAT) {
            return perQueryHead;
        }
        int group = layout.groupSize();
        float[][] out = new float[layout.kvHeads()][];
        for (int g = 0; g < out.length; g++) {
            float[] acc = perQueryHead[g * group].clone();
            for (int h = g * group + 1; h < (g + 1) * group; h++) {
                float[] row = perQueryHead[h];
                for (int j = 0; j < acc.length; j++) {
                    acc[j] = aggregation == ScoreAggregation.MAX ? Math.max(acc[j], row[j]) : acc[j] + row[j];
                }
            }
            if (aggregation == ScoreAggregation.MEAN) {
                for (int j = 0; j < acc.length; j++) {
                    acc[j] /= group;
                }
            }
            out[g] = acc;
        }
        return out;
    }
}
