package io.kvasir.compression;

/**
 * The test construction of docs/methods/common.md#test-construction: head dimension 1, one KV head, key of
 * position j = ln(u_j) and every query of head h equal to q_h, so with q = 1 each softmax weight is
 * proportional to u_j (and with q = -1 to 1/u_j). Value of position j is j.
 */
final class OneDimTensors {
    private OneDimTensors() {}

    static KvLayout layout(int layers, int queryHeads, GqaMode mode) {
        return new KvLayout(layers, 1, queryHeads, 1, mode);
    }

    static LayerPrefill prefill(int layer, KvLayout layout, double[] u, float... queryPerHead) {
        int n = u.length;
        float[] keys = new float[n];
        float[] values = new float[n];
        float[] queries = new float[n * queryPerHead.length];
        for (int t = 0; t < n; t++) {
            keys[t] = (float) Math.log(u[t]);
            values[t] = t;
            for (int h = 0; h < queryPerHead.length; h++) {
                queries[t * queryPerHead.length + h] = queryPerHead[h];
            }
        }
        return new LayerPrefill(layer, layout, n, keys, values, queries, null);
    }

    static LayerPrefill prefill(KvLayout layout, double[] u, float... queryPerHead) {
        return prefill(0, layout, u, queryPerHead);
    }

    static int[] range(int fromInclusive, int toExclusive) {
        return java.util.stream.IntStream.range(fromInclusive, toExclusive).toArray();
    }

    static int[] concat(int[]... parts) {
        return java.util.Arrays.stream(parts).flatMapToInt(java.util.Arrays::stream).toArray();
    }
}
