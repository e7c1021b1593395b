package io.kvasir.compression.quant;

import io.kvasir.compression.HeadStore;
import io.kvasir.kernels.MinMaxQuantizer;

/**
 * QPruningKV's quantized cache (docs/methods/reference.md#the-rule), for parity with the
 * paper's numbers: a layer's kept prompt K and V, as one {@code [H_s, T, D]} tensor, are quantized
 * once at prefill, keys with HF-HQQ axis 1 (runs of G flat elements) and values with axis 0 (column c
 * of the G x (N/G) matrix: flat elements c, c + N/G, ...; strided across heads and tokens); generated
 * tokens stay half precision (the residual flush never fires there). Group parameters are shared by
 * the layer's heads, so this class quantizes a whole layer and hands out one store per head.
 */
public final class ReferenceLayerQuantizer {
    private ReferenceLayerQuantizer() {}

    /**
     * @param keys      per stored head, [T][D] flattened, the kept entries in store order
     * @param values    same shape
     * @param positions per stored head, the kept positions
     */
    public static HeadStore[] quantize(int layer, float[][] keys, float[][] values, int[][] positions, int dim,
                                       int bits, int group, int capacity) {
        int heads = keys.length;
        int t = positions[0].length;
        for (int[] p : positions) {
            if (p.length != t) {
                throw new IllegalArgumentException("--quant reference needs every head of a layer to keep the same"
                        + " number of tokens (layer " + layer + ")");
            }
        }
        int n = heads * t * dim;
        if (n % group != 0 || dim * bits % 8 != 0) {
            throw new IllegalArgumentException("--quant reference: group " + group + " does not divide the " + n
                    + " elements (" + heads + " heads x " + t + " tokens x " + dim + " channels) of layer " + layer
                    + "'s cache; choose a --quant-group that does");
        }
        float[] k = new float[n];
        float[] v = new float[n];
        for (int h = 0; h < heads; h++) {
            System.arraycopy(keys[h], 0, k, h * t * dim, t * dim);
            System.arraycopy(values[h], 0, v, h * t * dim, t * dim);
        }
        int groups = n / group;
        int[] kc = new int[n];
        int[] vc = new int[n];
        float[] ks = new float[groups];
        float[] kz = new float[groups];
        float[] vs = new float[groups];
        float[] vz = new float[groups];
        for (int g = 0; g < groups; g++) {
            MinMaxQuantizer.Group a = MinMaxQuantizer.quantize(k, g * group, 1, group, bits, kc, g * group, 1);
            ks[g] = a.scale();
            kz[g] = a.zero();
            MinMaxQuantizer.Group b = MinMaxQuantizer.quantize(v, g, groups, group, bits, vc, g, groups);
            vs[g] = b.scale();
            vz[g] = b.zero();
        }
        Shared shared = new Shared(dim, bits, group, groups, ks, kz, vs, vz, metadataBytesPerHead(heads, t, dim, group));
        HeadStore[] out = new HeadStore[heads];
        for (int h = 0; h < heads; h++) {
            out[h] = new ReferenceHeadStore(shared, h * t * dim, kc, vc, positions[h], capacity);
        }
        return out;
    }

    /**
     * One head's share of a layer's half-precision scales and zeros (K and V) when the layer keeps
     * {@code tokens} entries per head; the groups span heads, so the share is the layer's bytes / heads.
     */
    public static long metadataBytesPerHead(int heads, int tokens, int dim, int group) {
        long groups = (long) heads * tokens * dim / group;
        return 4L * groups * Short.BYTES / heads;
    }

    /** Layer-wide group parameters (widened from fp16) and this head's share of their bytes. */
    record Shared(int dim, int bits, int group, int groups, float[] keyScale, float[] keyZero,
                  float[] valueScale, float[] valueZero, long metadataBytesPerHead) {}
}
