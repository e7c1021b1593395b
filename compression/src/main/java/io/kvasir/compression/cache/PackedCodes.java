package io.kvasir.compression.cache;

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
     * The value side of attention over {@code rows} rows stored back to back from offset 0:
     * out[outOff + d] += sum over rows i of a[i * (dim / group) + d / group] * code_{i,d}, where
     * a = p * scale per row and group (the caller subtracts the zeros' share, one constant per group).
     *
     * <p>Loop order is byte run outer, rows inner: the codes of one run of bytes unpack, plane by
     * plane, into runs of consecutive output channels, so each run's sums stay in registers across
     * all rows and {@code out} is read and written once per call, not once per row.
     */
    static void accumulateRows(byte[] codes, int rows, int dim, int bits, int group, float[] a, float[] out, int outOff) {
        int l = rowBytes(dim, bits);
        int lanes = F.length();
        if (l % lanes != 0 || group % lanes != 0) {
            accumulateRowsScalar(codes, rows, dim, bits, group, a, out, outOff);
            return;
        }
        int groups = dim / group;
        for (int j = 0; j < l; j += lanes) {
            switch (bits) {
                case 8 -> accumulateRun8(codes, rows, l, j, groups, j / group, a, out, outOff);
                case 4 -> accumulateRun4(codes, rows, l, j, groups, group, a, out, outOff);
                default -> accumulateRun2(codes, rows, l, j, groups, group, a, out, outOff);
            }
        }
    }

    private static void accumulateRun8(byte[] codes, int rows, int l, int j, int groups, int g, float[] a,
                                       float[] out, int outOff) {
        FloatVector acc = FloatVector.zero(F);
        for (int i = 0, off = j, ai = g; i < rows; i++, off += l, ai += groups) {
            acc = widen(ByteVector.fromArray(B, codes, off), 8).fma(FloatVector.broadcast(F, a[ai]), acc);
        }
        addInto(acc, out, outOff + j);
    }

    private static void accumulateRun4(byte[] codes, int rows, int l, int j, int groups, int group, float[] a,
                                       float[] out, int outOff) {
        int g0 = j / group;
        int g1 = (l + j) / group;
        FloatVector acc0 = FloatVector.zero(F);
        FloatVector acc1 = FloatVector.zero(F);
        for (int i = 0, off = j, ai = 0; i < rows; i++, off += l, ai += groups) {
            ByteVector bv = ByteVector.fromArray(B, codes, off);
            acc0 = widen(bv.and((byte) 0x0F), 4).fma(FloatVector.broadcast(F, a[ai + g0]), acc0);
            acc1 = widen(bv.lanewise(VectorOperators.LSHR, 4).and((byte) 0x0F), 4)
                    .fma(FloatVector.broadcast(F, a[ai + g1]), acc1);
        }
        addInto(acc0, out, outOff + j);
        addInto(acc1, out, outOff + l + j);
    }

    private static void accumulateRun2(byte[] codes, int rows, int l, int j, int groups, int group, float[] a,
                                       float[] out, int outOff) {
        int g0 = j / group;
        int g1 = (l + j) / group;
        int g2 = (2 * l + j) / group;
        int g3 = (3 * l + j) / group;
        FloatVector acc0 = FloatVector.zero(F);
        FloatVector acc1 = FloatVector.zero(F);
        FloatVector acc2 = FloatVector.zero(F);
        FloatVector acc3 = FloatVector.zero(F);
        for (int i = 0, off = j, ai = 0; i < rows; i++, off += l, ai += groups) {
            ByteVector bv = ByteVector.fromArray(B, codes, off);
            acc0 = widen(bv.and((byte) 3), 2).fma(FloatVector.broadcast(F, a[ai + g0]), acc0);
            acc1 = widen(bv.lanewise(VectorOperators.LSHR, 2).and((byte) 3), 2)
                    .fma(FloatVector.broadcast(F, a[ai + g1]), acc1);
            acc2 = widen(bv.lanewise(VectorOperators.LSHR, 4).and((byte) 3), 2)
                    .fma(FloatVector.broadcast(F, a[ai + g2]), acc2);
            acc3 = widen(bv.lanewise(VectorOperators.LSHR, 6).and((byte) 3), 2)
                    .fma(FloatVector.broadcast(F, a[ai + g3]), acc3);
        }
        addInto(acc0, out, outOff + j);
        addInto(acc1, out, outOff + l + j);
        addInto(acc2, out, outOff + 2 * l + j);
        addInto(acc3, out, outOff + 3 * l + j);
    }

    private static void addInto(FloatVector v, float[] out, int off) {
        FloatVector.fromArray(F, out, off).add(v).intoArray(out, off);
    }

    /** Shapes whose byte runs do not line up with the vector lanes or the groups. */
    private static void accumulateRowsScalar(byte[] codes, int rows, int dim, int bits, int group, float[] a,
                                             float[] out, int outOff) {
        int l = rowBytes(dim, bits);
        int groups = dim / group;
        for (int i = 0; i < rows; i++) {
            for (int d = 0; d < dim; d++) {
                out[outOff + d] += a[i * groups + d / group] * code(codes, i * l, dim, bits, d);
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
