package io.kvasir.compression.quant;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Rows of {@code dim} b-bit codes packed into {@code dim * b / 8} bytes as bit planes: byte j of a
 * row holds channels {@code j, j + L, j + 2L, ...} ({@code L} = bytes per row) in bits
 * {@code 0..b-1, b..2b-1, ...}. With this order a run of consecutive bytes unpacks, plane by plane,
 * into runs of consecutive channels, so the Vector API loops below widen codes straight into float
 * lanes that line up with the query or output without a shuffle.
 */
final class PackedCodes {
    // Byte lanes match float lanes, and the smallest byte shape is 64 bits: at least 8 float lanes.
    static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED.length() >= 8
            ? FloatVector.SPECIES_PREFERRED : FloatVector.SPECIES_256;
    static final VectorSpecies<Byte> B = VectorSpecies.of(byte.class, VectorShape.forBitSize(F.length() * 8));

    private PackedCodes() {}

    static int rowBytes(int dim, int bits) {
        return dim * bits / 8;
    }

    /** Packs codes[0..dim) into out[off .. off + rowBytes). */
    static void pack(int[] codes, int dim, int bits, byte[] out, int off) {
        int l = rowBytes(dim, bits);
        for (int j = 0; j < l; j++) {
            int b = 0;
            for (int p = 0; p < 8 / bits; p++) {
                b |= codes[p * l + j] << (p * bits);
            }
            out[off + j] = (byte) b;
        }
    }

    /** Code of channel d in the row starting at off. */
    static int code(byte[] codes, int off, int dim, int bits, int d) {
        int l = rowBytes(dim, bits);
        return ((codes[off + d % l] & 0xFF) >>> (bits * (d / l))) & ((1 << bits) - 1);
    }

    /** sum over d of w[d] * code_d for the row at off (Vector API over the bit planes). */
    static float dot(byte[] codes, int off, int dim, int bits, float[] w) {
        int l = rowBytes(dim, bits);
        int mask = (1 << bits) - 1;
        int planes = 8 / bits;
        int lanes = F.length();
        int vecEnd = l - l % lanes;
        FloatVector acc = FloatVector.zero(F);
        float tail = 0f;
        for (int p = 0; p < planes; p++) {
            int base = p * l;
            for (int j = 0; j < vecEnd; j += lanes) {
                ByteVector bv = ByteVector.fromArray(B, codes, off + j);
                if (bits != 8) {
                    bv = bv.lanewise(VectorOperators.LSHR, p * bits).and((byte) mask);
                }
                FloatVector c = widen(bv, bits);
                acc = c.fma(FloatVector.fromArray(F, w, base + j), acc);
            }
            for (int j = vecEnd; j < l; j++) {
                tail += w[base + j] * (((codes[off + j] & 0xFF) >>> (p * bits)) & mask);
            }
        }
        return acc.reduceLanes(VectorOperators.ADD) + tail;
    }

    /**
     * out[outOff + d] += a[g(d)] * code_d - c[g(d)] for the row at off, with g(d) = d / group:
     * the value side of attention, a = p * scale and c = p * scale * zero per group.
     */
    static void accumulate(byte[] codes, int off, int dim, int bits, int group, float[] a, float[] c,
                           float[] out, int outOff) {
        int l = rowBytes(dim, bits);
        int mask = (1 << bits) - 1;
        int lanes = F.length();
        for (int p = 0; p < 8 / bits; p++) {
            int base = p * l;
            int j = 0;
            for (; j + lanes <= l; j += lanes) {
                int d0 = base + j;
                int g = d0 / group;
                if ((d0 + lanes - 1) / group != g) {
                    for (int k = 0; k < lanes; k++) {
                        int d = d0 + k;
                        int code = ((codes[off + j + k] & 0xFF) >>> (p * bits)) & mask;
                        out[outOff + d] += a[d / group] * code - c[d / group];
                    }
                    continue;
                }
                ByteVector bv = ByteVector.fromArray(B, codes, off + j);
                if (bits != 8) {
                    bv = bv.lanewise(VectorOperators.LSHR, p * bits).and((byte) mask);
                }
                FloatVector v = widen(bv, bits).mul(a[g]).sub(c[g]);
                FloatVector.fromArray(F, out, outOff + d0).add(v).intoArray(out, outOff + d0);
            }
            for (; j < l; j++) {
                int d = base + j;
                int code = ((codes[off + j] & 0xFF) >>> (p * bits)) & mask;
                out[outOff + d] += a[d / group] * code - c[d / group];
            }
        }
    }

    private static FloatVector widen(ByteVector bv, int bits) {
        if (bits == 8) {
            // Codes are unsigned; B2F would read 128..255 as negative.
            FloatVector f = (FloatVector) bv.convertShape(VectorOperators.B2F, F, 0);
            return f.add(256f, f.lt(0f));
        }
        return (FloatVector) bv.convertShape(VectorOperators.B2F, F, 0);
    }
}
