package io.kvasir.compression.windowkv;

import io.kvasir.compression.GqaMode;
import io.kvasir.compression.KvLayout;
import io.kvasir.compression.LayerPrefill;

/**
 * docs/methods/windowkv.md#construction-c: head dimension 4, one KV head, query head h is 2 e_h at every
 * position, review key j has ln(v_h[j]) in coordinate h, observation keys have -30 in coordinates
 * 0..H-1, value j is (j, 0, 0, 0). Every review logit of head h is then ln(v_h[j]), so
 * A[h][j] = s v_h[j] / sum(v_h) to about 1e-12 relative, computable by hand.
 */
final class ConstructionC {
    static final int D = 4;

    private ConstructionC() {}

    static KvLayout layout(int layers, int queryHeads, GqaMode mode) {
        return new KvLayout(layers, 1, queryHeads, D, mode);
    }

    /**
     * @param v per query head, the review values v_h[0..L)
     * @param promptLength T; positions L..T-1 form the observation window
     */
    static LayerPrefill layer(int layer, KvLayout layout, int promptLength, double[]... v) {
        int heads = layout.queryHeads();
        if (v.length != heads) {
            throw new IllegalArgumentException("need one v row per query head");
        }
        int review = v[0].length;
        float[] keys = new float[promptLength * D];
        float[] values = new float[promptLength * D];
        float[] queries = new float[promptLength * heads * D];
        for (int t = 0; t < promptLength; t++) {
            values[t * D] = t;
            for (int h = 0; h < heads; h++) {
                keys[t * D + h] = t < review ? (float) Math.log(v[h][t]) : -30f;
                queries[(t * heads + h) * D + h] = 2f;
            }
        }
        return new LayerPrefill(layer, layout, promptLength, keys, values, queries, null);
    }

    static double[] windows(double[]... windows) {
        return java.util.Arrays.stream(windows).flatMapToDouble(java.util.Arrays::stream).toArray();
    }

    static int[] range(int fromInclusive, int toExclusive) {
        return java.util.stream.IntStream.range(fromInclusive, toExclusive).toArray();
    }

    static int[] concat(int[]... parts) {
        return java.util.Arrays.stream(parts).flatMapToInt(java.util.Arrays::stream).toArray();
    }

    /** Test options: w = 4, s = 4 for both strategies, as the vectors of docs/methods/windowkv.md#test-vectors use. */
    static WindowKvOptions options(int sharedLayers, int beta, boolean strict) {
        return new WindowKvOptions(4, sharedLayers, 4, 4, beta, TaskType.AUTO, strict);
    }
}
