package io.kvasir.compression.quant;

import io.kvasir.compression.HeadStore;
import io.kvasir.kernels.MinMaxQuantizer;

/**
 * QPruningKV's quantized cache (docs/methods/reference.md#the-rule), for parity with the
 * paper's numbers: a layer's kept prompt K and V, as one {@code [H_s, T, D]} tensor, are quantized
 * once at prefill, keys with HF-HQQ axis 1 (runs of G flat elements) and values with axis 0 (column c
 * of the G x (N/G) matrix: flat elements c, c + N/G, ...; strided across heads and tokens); generated
 * tokens stay half precision (the residual flush never fires there). Group parameters are shared by
 * the layer's heads, so this class quantizes a whole layer and hands out one store per head. Entries
 * are taken in the order the reference's cache holds them (top-k methods: candidates best first,
 * then the window), since that order decides which elements share a group.
 */
public final class ReferenceLayerQuantizer {
    private ReferenceLayerQuantizer() {}

    /**
     * @param keys      per stored head, [T][D] flattened, the kept entries in the reference's cache order
     * @param values    same shape
     * @param positions per stored head, the kept positions in that order
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
        checkPacking(layer, bits, n / group, group);
        float[] k = new float[n];
        float[] v = new float[n];
        for (int h = 0; h < heads; h++) {
            System.arraycopy(keys[h], 0, k, h * t * dim, t * dim);
            System.arraycopy(values[h], 0, v, h * t * dim, t * dim);
        }
        int groups = n / group;
        int[] kc = new int[n];
        int[] vc = new int[n];
        MinMaxQuantizer.Group[] keyGroups = new MinMaxQuantizer.Group[groups];
        MinMaxQuantizer.Group[] valueGroups = new MinMaxQuantizer.Group[groups];
        for (int g = 0; g < groups; g++) {
            keyGroups[g] = MinMaxQuantizer.quantizeAsTorch(k, g * group, 1, group, bits, kc, g * group, 1);
            valueGroups[g] = MinMaxQuantizer.quantizeAsTorch(v, g, groups, group, bits, vc, g, groups);
        }
        Shared shared = new Shared(dim, bits, group, groups, keyGroups, valueGroups,
                metadataBytesPerHead(heads, t, dim, group));
        HeadStore[] out = new HeadStore[heads];
        for (int h = 0; h < heads; h++) {
            out[h] = new ReferenceHeadStore(shared, h * t * dim, kc, vc, positions[h], capacity);
        }
        return out;
    }

    /**
     * Rejects a shape hqq 0.2.2 cannot pack, in one line: it packs 8/b codes per byte by cutting the
     * rows of the grouped tensor into 8/b equal slices (BitPack.pack_4bit_u8 / pack_2bit_u8), and the
     * rows are the N/G groups for keys (axis 1) and the G group members for values (axis 0). With a
     * remainder the slices differ in length and quantize or dequantize fails (measured on hqq 0.2.2
     * for 4 and 2 bits, every group size and count up to 12).
     */
    static void checkPacking(int layer, int bits, int groups, int group) {
        int perByte = 8 / bits;
        if (groups % perByte != 0 || group % perByte != 0) {
            throw new IllegalArgumentException("--quant reference at " + bits + " bits needs the group count ("
                    + groups + " in layer " + layer + ") and --quant-group (" + group + ") to be multiples of "
                    + perByte + ", as hqq's packing does");
        }
    }

    /**
     * One head's share of a layer's half-precision scales and zeros (K and V) when the layer keeps
     * {@code tokens} entries per head; the groups span heads, so the share is the layer's bytes / heads.
     */
    public static long metadataBytesPerHead(int heads, int tokens, int dim, int group) {
        long groups = (long) heads * tokens * dim / group;
        return 4L * groups * Short.BYTES / heads;
    }

    /** Layer-wide group parameters (half precision, as stored) and this head's share of their bytes. */
    record Shared(int dim, int bits, int group, int groups, MinMaxQuantizer.Group[] keyGroups,
                  MinMaxQuantizer.Group[] valueGroups, long metadataBytesPerHead) {}
}
