package io.kvasir.kernels.tornado;

import io.kvasir.kernels.MinMaxQuantizer;
import uk.ac.manchester.tornado.api.annotations.Parallel;
import uk.ac.manchester.tornado.api.types.arrays.ByteArray;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;
import uk.ac.manchester.tornado.api.types.arrays.ShortArray;

/**
 * TornadoVM kernels of the KIVI-quantized cache, the device counterpart of {@code KiviHeadStore}
 * (without KVQuant outliers): keys in groups of G tokens per channel, values in groups of G
 * channels per token, b-bit codes packed as bit planes ({@code PackedCodes}: byte j of a row holds
 * channels j, j + L, j + 2L, ..., L = dim * b / 8), scale and zero as half bits, and a half-precision
 * residual of the newest entries. The residual is a ring of R + G entries per stored head, so a flush
 * quantizes its oldest G entries in place and moves nothing.
 *
 * <p>Per stored head s the host sends, each step: {@code ring[s]} (residual slot to write, -1 for
 * none), {@code flush[s]} (1 when the residual has just reached R + G), {@code quant[s]} (entries
 * quantized before this flush) and {@code start[s]} (ring index of the oldest residual entry); for
 * attention {@code aQuant}, {@code aStart}, {@code aLen} describe the state after the step.
 * Arrays: key/value codes [S][capacity][L] bytes; key scale/zero [S][capacity/G][dim]; value
 * scale/zero [S][capacity][dim/G]; residual [S][R+G][dim]; code scratch [S][G][dim] ints.
 */
public final class QuantKernels {
    private QuantKernels() {}

    private static int code(float x, float s, float z, int qmax) {
        float c = HalfBits.rint(x * s + z);
        return (int) Math.max(0f, Math.min((float) qmax, c));
    }

    /** Writes this step's k, v as half bits into ring slot ring[s] (kept as is when ring[s] < 0). */
    public static void append(FloatArray k, FloatArray v, ShortArray resKeys, ShortArray resValues, IntArray ring,
                              int stored, int kvHeads, int ringSize, int dim) {
        for (@Parallel int sd = 0; sd < stored * dim; sd++) {
            int s = sd / dim;
            int d = sd - s * dim;
            int slot = ring.get(s);
            int src = (s * kvHeads / stored) * dim + d;
            int dst = (s * ringSize + Math.max(slot, 0)) * dim + d;
            resKeys.set(dst, slot >= 0 ? HalfBits.floatToHalf(k.get(src)) : resKeys.get(dst));
            resValues.set(dst, slot >= 0 ? HalfBits.floatToHalf(v.get(src)) : resValues.get(dst));
        }
    }

    /** Keys of flushing heads: per channel d, the G oldest residual entries form one group. */
    public static void quantizeKeys(ShortArray resKeys, IntArray scratch, ShortArray keyScale, ShortArray keyZero,
                                    IntArray flush, IntArray quant, IntArray start,
                                    int stored, int ringSize, int capacity, int dim, int group, int bits) {
        for (@Parallel int s = 0; s < stored; s++) {
            for (@Parallel int d = 0; d < dim; d++) {
                int qmax = (1 << bits) - 1;
                int meta = (s * (capacity / group) + quant.get(s) / group) * dim + d;
                if (flush.get(s) == 1) {
                    float lo = Float.POSITIVE_INFINITY;
                    float hi = Float.NEGATIVE_INFINITY;
                    for (int t = 0; t < group; t++) {
                        int r = (start.get(s) + t) % ringSize;
                        float x = HalfBits.halfToFloat(resKeys.get((s * ringSize + r) * dim + d));
                        lo = Math.min(lo, x);
                        hi = Math.max(hi, x);
                    }
                    float inv = MinMaxQuantizer.inverseScale(lo, hi, qmax);
                    float z = -lo * inv;
                    for (int t = 0; t < group; t++) {
                        int r = (start.get(s) + t) % ringSize;
                        float x = HalfBits.halfToFloat(resKeys.get((s * ringSize + r) * dim + d));
                        scratch.set((s * group + t) * dim + d, code(x, inv, z, qmax));
                    }
                    keyScale.set(meta, HalfBits.floatToHalf(1f / inv));
                    keyZero.set(meta, HalfBits.floatToHalf(z));
                } else {
                    keyScale.set(meta, keyScale.get(meta));
                    keyZero.set(meta, keyZero.get(meta));
                }
            }
        }
    }

    /** Values of flushing heads: per entry t, groups of G consecutive channels. */
    public static void quantizeValues(ShortArray resValues, IntArray scratch, ShortArray valueScale, ShortArray valueZero,
                                      IntArray flush, IntArray quant, IntArray start,
                                      int stored, int ringSize, int capacity, int dim, int group, int bits) {
        int groups = dim / group;
        for (@Parallel int s = 0; s < stored; s++) {
            for (@Parallel int tg = 0; tg < group * groups; tg++) {
                int t = tg / groups;
                int g = tg - t * groups;
                int qmax = (1 << bits) - 1;
                int meta = (s * capacity + quant.get(s) + t) * groups + g;
                if (flush.get(s) == 1) {
                    int base = (s * ringSize + (start.get(s) + t) % ringSize) * dim + g * group;
                    float lo = Float.POSITIVE_INFINITY;
                    float hi = Float.NEGATIVE_INFINITY;
                    for (int c = 0; c < group; c++) {
                        float x = HalfBits.halfToFloat(resValues.get(base + c));
                        lo = Math.min(lo, x);
                        hi = Math.max(hi, x);
                    }
                    float inv = MinMaxQuantizer.inverseScale(lo, hi, qmax);
                    float z = -lo * inv;
                    for (int c = 0; c < group; c++) {
                        float x = HalfBits.halfToFloat(resValues.get(base + c));
                        scratch.set((s * group + t) * dim + g * group + c, code(x, inv, z, qmax));
                    }
                    valueScale.set(meta, HalfBits.floatToHalf(1f / inv));
                    valueZero.set(meta, HalfBits.floatToHalf(z));
                } else {
                    valueScale.set(meta, valueScale.get(meta));
                    valueZero.set(meta, valueZero.get(meta));
                }
            }
        }
    }

    /** Packs the scratch codes of flushing heads into rows quant[s] .. quant[s] + G - 1. */
    public static void pack(IntArray scratch, ByteArray codes, IntArray flush, IntArray quant,
                            int stored, int capacity, int dim, int group, int bits) {
        int rowBytes = dim * bits / 8;
        for (@Parallel int s = 0; s < stored; s++) {
            for (@Parallel int tj = 0; tj < group * rowBytes; tj++) {
                int t = tj / rowBytes;
                int j = tj - t * rowBytes;
                int dst = (s * capacity + quant.get(s) + t) * rowBytes + j;
                if (flush.get(s) == 1) {
                    int b = 0;
                    for (int p = 0; p < 8 / bits; p++) {
                        b = b | (scratch.get((s * group + t) * dim + p * rowBytes + j) << (p * bits));
                    }
                    codes.set(dst, (byte) b);
                } else {
                    codes.set(dst, codes.get(dst));
                }
            }
        }
    }

    private static int unpack(ByteArray codes, int rowOff, int rowBytes, int bits, int d) {
        int plane = d / rowBytes;
        return ((codes.get(rowOff + d - plane * rowBytes) & 0xFF) >> (bits * plane)) & ((1 << bits) - 1);
    }

    /**
     * scores[h][i] = scale * (q_h . key_i) over aQuant[s] coded entries (read as codes, the block's
     * scale folded into q and its zero into one constant) and aLen[s] residual entries.
     */
    public static void scores(FloatArray q, ByteArray keyCodes, ShortArray keyScale, ShortArray keyZero, ShortArray resKeys,
                              IntArray aQuant, IntArray aStart, IntArray aLen, FloatArray scores,
                              int heads, int stored, int capacity, int ringSize, int dim, int group, int bits, float scale) {
        int rowBytes = dim * bits / 8;
        for (@Parallel int h = 0; h < heads; h++) {
            for (@Parallel int i = 0; i < capacity; i++) {
                int s = h * stored / heads;
                int quantized = aQuant.get(s);
                int qb = h * dim;
                if (i < quantized) {
                    int meta = (s * (capacity / group) + i / group) * dim;
                    int row = (s * capacity + i) * rowBytes;
                    float dot = 0f;
                    float c0 = 0f;
                    for (int d = 0; d < dim; d++) {
                        float qs = q.get(qb + d) * HalfBits.halfToFloat(keyScale.get(meta + d));
                        c0 += qs * HalfBits.halfToFloat(keyZero.get(meta + d));
                        dot += qs * unpack(keyCodes, row, rowBytes, bits, d);
                    }
                    scores.set(h * capacity + i, scale * (dot - c0));
                } else if (i < quantized + aLen.get(s)) {
                    int r = (aStart.get(s) + i - quantized) % ringSize;
                    int base = (s * ringSize + r) * dim;
                    float dot = 0f;
                    for (int d = 0; d < dim; d++) {
                        dot += q.get(qb + d) * HalfBits.halfToFloat(resKeys.get(base + d));
                    }
                    scores.set(h * capacity + i, scale * dot);
                }
            }
        }
    }

    /** out[h][d] = sum over entries of p[h][i] * value_i[d], coded values read as codes. */
    public static void values(FloatArray p, ByteArray valueCodes, ShortArray valueScale, ShortArray valueZero,
                              ShortArray resValues, IntArray aQuant, IntArray aStart, IntArray aLen, FloatArray out,
                              int heads, int stored, int capacity, int ringSize, int dim, int group, int bits) {
        int rowBytes = dim * bits / 8;
        int groups = dim / group;
        for (@Parallel int h = 0; h < heads; h++) {
            for (@Parallel int d = 0; d < dim; d++) {
                int s = h * stored / heads;
                int quantized = aQuant.get(s);
                float acc = 0f;
                for (int i = 0; i < quantized; i++) {
                    int meta = (s * capacity + i) * groups + d / group;
                    float a = p.get(h * capacity + i) * HalfBits.halfToFloat(valueScale.get(meta));
                    float c = a * HalfBits.halfToFloat(valueZero.get(meta));
                    acc += a * unpack(valueCodes, (s * capacity + i) * rowBytes, rowBytes, bits, d) - c;
                }
                for (int r = 0; r < aLen.get(s); r++) {
                    int slot = (aStart.get(s) + r) % ringSize;
                    acc += p.get(h * capacity + quantized + r) * HalfBits.halfToFloat(resValues.get((s * ringSize + slot) * dim + d));
                }
                out.set(h * dim + d, acc);
            }
        }
    }

    /** {@link AttentionKernels#keep} for the arrays of a KIVI cache: reads them, changes nothing. */
    public static void keep(FloatArray x, ByteArray keyCodes, ByteArray valueCodes, ShortArray keyScale, ShortArray keyZero,
                            ShortArray valueScale, ShortArray valueZero, ShortArray resKeys, ShortArray resValues,
                            IntArray keyScratch, IntArray valueScratch) {
        for (@Parallel int i = 0; i < 1; i++) {
            float touched = (float) (keyCodes.get(i) + valueCodes.get(i) + keyScale.get(i) + keyZero.get(i)
                    + valueScale.get(i) + valueZero.get(i) + resKeys.get(i) + resValues.get(i) + keyScratch.get(i)
                    + valueScratch.get(i));
            x.set(i, touched < -3e38f ? touched : x.get(i));
        }
    }
}
