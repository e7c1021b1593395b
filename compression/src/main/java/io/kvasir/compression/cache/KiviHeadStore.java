package io.kvasir.compression.cache;

import io.kvasir.kernels.MinMaxQuantizer;
import java.util.Arrays;

/**
 * One stored head's keys and values quantized the KIVI way (docs/methods/kivi.md#layout): keys
 * in groups of G tokens per channel, values in groups of G channels per token, both at b bits with
 * half-precision scale and zero per group, codes packed ({@link PackedCodes}). The most recent
 * entries wait in a half-precision residual; whenever it reaches R + G entries its oldest G are
 * quantized, so the last R entries (at least) are always full precision and each quantization sees
 * a full key group. Optional KVQuant-style outliers (docs/methods/kvquant.md#the-rule): elements with |x| > threshold are
 * replaced by 0 before quantizing and kept exactly (half precision) beside the codes.
 *
 * <p>Attention reads the codes directly: a key block's scale is folded into the query once per
 * block ({@code qs[d] = q[d] * scale[d]}), and the zero into one constant, so a score is one
 * Vector-API dot product of packed codes with {@code qs}; values accumulate {@code p*scale*code} in
 * registers over all rows ({@link PackedCodes#accumulateRows}) and subtract {@code p*scale*zero}
 * once per group. No dequantized copy is ever made.
 */
public final class KiviHeadStore implements QuantizedHeadStore {
    private final int dim;
    private final int bits;
    private final int group;
    private final int residual;
    private final float outlierThreshold;
    private final int rowBytes;

    private byte[] keyCodes = new byte[0];
    private short[] keyScale = new short[0];
    private short[] keyZero = new short[0];
    private byte[] valueCodes = new byte[0];
    private short[] valueScale = new short[0];
    private short[] valueZero = new short[0];
    private int quantized;

    private final short[] resKeys;
    private final short[] resValues;
    private int resLength;

    private int[] positions;
    private int length;

    // Outliers: flat index (entry * dim + d) * 2 + (1 for values), exact value in half precision.
    private int[] outlierIndex = new int[0];
    private short[] outlierValue = new short[0];
    private int outliers;

    private final int[] codeScratch;
    private final float[] floatScratch;

    /**
     * @param outlierThreshold KVQuant threshold (6.0 in the reference, docs/methods/kvquant.md#the-rule), or NaN for none
     */
    public KiviHeadStore(int dim, int bits, int group, int residual, float outlierThreshold, int capacity) {
        this.dim = dim;
        this.bits = MinMaxQuantizer.checkBits(bits);
        this.group = group;
        this.residual = residual;
        this.outlierThreshold = outlierThreshold;
        checkShape(dim, bits, group);
        if (residual < 0) {
            throw new IllegalArgumentException("--quant-residual must be >= 0 tokens, got " + residual);
        }
        this.rowBytes = PackedCodes.rowBytes(dim, bits);
        resKeys = new short[(residual + group) * dim];
        resValues = new short[(residual + group) * dim];
        positions = new int[Math.max(1, capacity)];
        codeScratch = new int[Math.max(dim, group)];
        floatScratch = new float[Math.max(dim, group) * Math.max(dim, group)];
    }

    /** The store {@link #save} wrote, its counts checked against this shape before any array is read. */
    KiviHeadStore(int dim, int bits, int group, int residual, float outlierThreshold, StoreSource in) {
        this(dim, bits, group, residual, outlierThreshold, Math.max(1, in.length()));
        int coded = in.coded();
        int held = in.length() - coded;
        if (coded < 0 || coded % group != 0 || held < 0 || held >= residual + group) {
            throw in.invalid(in.length() + " entries with " + coded + " as codes do not fit groups of " + group
                    + " and a residual of " + residual + " (at most " + (residual + group - 1) + " uncoded)");
        }
        if (in.outliers() != 0 && Float.isNaN(outlierThreshold)) {
            throw in.invalid(in.outliers() + " outliers stated for a store without KVQuant outliers");
        }
        int blocks = coded / group;
        length = in.length();
        quantized = coded;
        resLength = held;
        System.arraycopy(in.ints(length), 0, positions, 0, length);
        keyCodes = in.bytes((long) coded * rowBytes);
        keyScale = in.shorts((long) blocks * dim);
        keyZero = in.shorts((long) blocks * dim);
        valueCodes = in.bytes((long) coded * rowBytes);
        valueScale = in.shorts((long) coded * (dim / group));
        valueZero = in.shorts((long) coded * (dim / group));
        System.arraycopy(in.shorts((long) held * dim), 0, resKeys, 0, held * dim);
        System.arraycopy(in.shorts((long) held * dim), 0, resValues, 0, held * dim);
        outliers = in.outliers();
        outlierIndex = in.ints(outliers);
        outlierValue = in.shorts(outliers);
        for (int o = 0; o < outliers; o++) {
            // scores and accumulateValues index entries and channels with it: it must name a coded element.
            if (outlierIndex[o] < 0 || (outlierIndex[o] >>> 1) >= coded * dim) {
                throw in.invalid("outlier " + o + " indexes element " + (outlierIndex[o] >>> 1) + " of "
                        + coded * dim + " coded elements");
            }
        }
    }

    @Override
    public void save(StoreSink out) {
        int blocks = quantized / group;
        out.counts(length, quantized, outliers);
        out.ints(positions, length);
        out.bytes(keyCodes, quantized * rowBytes);
        out.shorts(keyScale, blocks * dim);
        out.shorts(keyZero, blocks * dim);
        out.bytes(valueCodes, quantized * rowBytes);
        out.shorts(valueScale, quantized * (dim / group));
        out.shorts(valueZero, quantized * (dim / group));
        out.shorts(resKeys, resLength * dim);
        out.shorts(resValues, resLength * dim);
        out.ints(outlierIndex, outliers);
        out.shorts(outlierValue, outliers);
    }

    /** Rejects a head dimension that the group or the packing cannot tile, in one line. */
    public static void checkShape(int dim, int bits, int group) {
        if (group < 1 || dim % group != 0) {
            throw new IllegalArgumentException("--quant-group " + group + " must divide the head dimension " + dim
                    + " (values are grouped over channels)");
        }
        if (dim * bits % 8 != 0) {
            throw new IllegalArgumentException(bits + "-bit codes of a " + dim + "-channel head do not fill whole bytes");
        }
    }

    @Override
    public int length() {
        return length;
    }

    @Override
    public int position(int i) {
        return positions[i];
    }

    /** Entries held as codes (the rest sit in the residual). */
    public int quantizedLength() {
        return quantized;
    }

    public int outlierCount() {
        return outliers;
    }

    @Override
    public void append(int position, float[] k, int kOff, float[] v, int vOff) {
        if (length == positions.length) {
            positions = Arrays.copyOf(positions, positions.length * 2);
        }
        positions[length++] = position;
        int base = resLength * dim;
        for (int d = 0; d < dim; d++) {
            resKeys[base + d] = Float.floatToFloat16(k[kOff + d]);
            resValues[base + d] = Float.floatToFloat16(v[vOff + d]);
        }
        if (++resLength == residual + group) {
            flushOldestGroup();
        }
    }

    private void flushOldestGroup() {
        int blocks = quantized / group;
        keyCodes = Arrays.copyOf(keyCodes, (quantized + group) * rowBytes);
        valueCodes = Arrays.copyOf(valueCodes, (quantized + group) * rowBytes);
        keyScale = Arrays.copyOf(keyScale, (blocks + 1) * dim);
        keyZero = Arrays.copyOf(keyZero, (blocks + 1) * dim);
        int vGroups = dim / group;
        valueScale = Arrays.copyOf(valueScale, (quantized + group) * vGroups);
        valueZero = Arrays.copyOf(valueZero, (quantized + group) * vGroups);

        // Keys: per channel, the G oldest residual tokens form one group. floatScratch is [t][d].
        float[] x = floatScratch;
        for (int i = 0; i < group * dim; i++) {
            x[i] = Float.float16ToFloat(resKeys[i]);
        }
        takeOutliers(x, group, false);
        int[] blockCodes = new int[group * dim];
        for (int d = 0; d < dim; d++) {
            MinMaxQuantizer.Group g = MinMaxQuantizer.quantize(x, d, dim, group, bits, blockCodes, d, dim);
            keyScale[blocks * dim + d] = g.scaleHalf();
            keyZero[blocks * dim + d] = g.zeroHalf();
        }
        for (int t = 0; t < group; t++) {
            System.arraycopy(blockCodes, t * dim, codeScratch, 0, dim);
            PackedCodes.pack(codeScratch, dim, bits, keyCodes, (quantized + t) * rowBytes);
        }

        // Values: per token, groups of G consecutive channels.
        for (int i = 0; i < group * dim; i++) {
            x[i] = Float.float16ToFloat(resValues[i]);
        }
        takeOutliers(x, group, true);
        for (int t = 0; t < group; t++) {
            for (int g = 0; g < vGroups; g++) {
                MinMaxQuantizer.Group p = MinMaxQuantizer.quantize(x, t * dim + g * group, 1, group, bits,
                        codeScratch, g * group, 1);
                valueScale[(quantized + t) * vGroups + g] = p.scaleHalf();
                valueZero[(quantized + t) * vGroups + g] = p.zeroHalf();
            }
            PackedCodes.pack(codeScratch, dim, bits, valueCodes, (quantized + t) * rowBytes);
        }

        quantized += group;
        resLength -= group;
        System.arraycopy(resKeys, group * dim, resKeys, 0, resLength * dim);
        System.arraycopy(resValues, group * dim, resValues, 0, resLength * dim);
    }

    private void takeOutliers(float[] x, int tokens, boolean values) {
        if (Float.isNaN(outlierThreshold)) {
            return;
        }
        for (int i = 0; i < tokens * dim; i++) {
            if (x[i] > outlierThreshold || x[i] < -outlierThreshold) {
                if (outliers == outlierIndex.length) {
                    outlierIndex = Arrays.copyOf(outlierIndex, Math.max(16, outliers * 2));
                    outlierValue = Arrays.copyOf(outlierValue, Math.max(16, outliers * 2));
                }
                outlierIndex[outliers] = ((quantized * dim + i) << 1) | (values ? 1 : 0);
                outlierValue[outliers++] = Float.floatToFloat16(x[i]);
                x[i] = 0f;
            }
        }
    }

    private float codedKey(int i, int d) {
        int idx = (i / group) * dim + d;
        return MinMaxQuantizer.dequantize(PackedCodes.code(keyCodes, i * rowBytes, dim, bits, d),
                Float.float16ToFloat(keyScale[idx]), Float.float16ToFloat(keyZero[idx]));
    }

    private float codedValue(int i, int d) {
        int idx = i * (dim / group) + d / group;
        return MinMaxQuantizer.dequantize(PackedCodes.code(valueCodes, i * rowBytes, dim, bits, d),
                Float.float16ToFloat(valueScale[idx]), Float.float16ToFloat(valueZero[idx]));
    }

    @Override
    public void scores(float[] q, int qOff, float scale, float[] out) {
        float[] qs = new float[dim];
        for (int b = 0; b < quantized / group; b++) {
            float c0 = 0f;
            for (int d = 0; d < dim; d++) {
                float s = Float.float16ToFloat(keyScale[b * dim + d]);
                qs[d] = q[qOff + d] * s;
                c0 += qs[d] * Float.float16ToFloat(keyZero[b * dim + d]);
            }
            for (int t = b * group; t < (b + 1) * group; t++) {
                out[t] = scale * (PackedCodes.dot(keyCodes, t * rowBytes, dim, bits, qs) - c0);
            }
        }
        for (int r = 0; r < resLength; r++) {
            float s = 0f;
            for (int d = 0; d < dim; d++) {
                s += q[qOff + d] * Float.float16ToFloat(resKeys[r * dim + d]);
            }
            out[quantized + r] = scale * s;
        }
        for (int o = 0; o < outliers; o++) {
            if ((outlierIndex[o] & 1) == 0) {
                int flat = outlierIndex[o] >>> 1;
                int i = flat / dim;
                int d = flat % dim;
                out[i] += scale * q[qOff + d] * (Float.float16ToFloat(outlierValue[o]) - codedKey(i, d));
            }
        }
    }

    @Override
    public void accumulateValues(float[] p, float[] out, int outOff) {
        // sum_i p_i * scale_ig * (code_id - zero_ig): the codes' part in one pass over the rows, the zeros'
        // part as one constant per group. Scratch is per call: query heads of a GQA group share this store.
        int vGroups = dim / group;
        float[] a = new float[quantized * vGroups];
        float[] c = new float[vGroups];
        for (int i = 0; i < quantized; i++) {
            for (int g = 0; g < vGroups; g++) {
                int idx = i * vGroups + g;
                a[idx] = p[i] * Float.float16ToFloat(valueScale[idx]);
                c[g] += a[idx] * Float.float16ToFloat(valueZero[idx]);
            }
        }
        PackedCodes.accumulateRows(valueCodes, quantized, dim, bits, group, a, out, outOff);
        for (int d = 0; d < dim; d++) {
            out[outOff + d] -= c[d / group];
        }
        for (int r = 0; r < resLength; r++) {
            float w = p[quantized + r];
            for (int d = 0; d < dim; d++) {
                out[outOff + d] += w * Float.float16ToFloat(resValues[r * dim + d]);
            }
        }
        for (int o = 0; o < outliers; o++) {
            if ((outlierIndex[o] & 1) == 1) {
                int flat = outlierIndex[o] >>> 1;
                int i = flat / dim;
                int d = flat % dim;
                out[outOff + d] += p[i] * (Float.float16ToFloat(outlierValue[o]) - codedValue(i, d));
            }
        }
    }

    @Override
    public void readKey(int i, float[] out, int outOff) {
        read(i, false, out, outOff);
    }

    @Override
    public void readValue(int i, float[] out, int outOff) {
        read(i, true, out, outOff);
    }

    private void read(int i, boolean values, float[] out, int outOff) {
        if (i >= quantized) {
            short[] res = values ? resValues : resKeys;
            for (int d = 0; d < dim; d++) {
                out[outOff + d] = Float.float16ToFloat(res[(i - quantized) * dim + d]);
            }
            return;
        }
        for (int d = 0; d < dim; d++) {
            out[outOff + d] = values ? codedValue(i, d) : codedKey(i, d);
        }
        for (int o = 0; o < outliers; o++) {
            int flat = outlierIndex[o] >>> 1;
            if ((outlierIndex[o] & 1) == (values ? 1 : 0) && flat / dim == i) {
                out[outOff + flat % dim] = Float.float16ToFloat(outlierValue[o]);
            }
        }
    }

    /**
     * What this store holds, copied, for a backend that keeps its own copy of the cache on a device
     * (the TornadoVM backend mirrors codes, scales, zeros and residual and appends there).
     *
     * @param quantized      entries held as codes
     * @param keyCodes       [quantized][dim * bits / 8] packed key codes
     * @param keyScale       [quantized / group][dim] half bits
     * @param keyZero        [quantized / group][dim] half bits
     * @param valueCodes     [quantized][dim * bits / 8] packed value codes
     * @param valueScale     [quantized][dim / group] half bits
     * @param valueZero      [quantized][dim / group] half bits
     * @param residualKeys   [residualLength][dim] half bits, oldest first
     * @param residualValues [residualLength][dim] half bits
     */
    public record Contents(int quantized, byte[] keyCodes, short[] keyScale, short[] keyZero, byte[] valueCodes,
                           short[] valueScale, short[] valueZero, int residualLength, short[] residualKeys,
                           short[] residualValues) {}

    /** A copy of the codes, scales, zeros and residual; KVQuant outliers have no place in it. */
    public Contents contents() {
        if (outliers > 0) {
            throw new IllegalStateException("this store holds " + outliers + " KVQuant outliers, which contents() does not carry");
        }
        int blocks = quantized / group;
        int vGroups = dim / group;
        return new Contents(quantized, Arrays.copyOf(keyCodes, quantized * rowBytes),
                Arrays.copyOf(keyScale, blocks * dim), Arrays.copyOf(keyZero, blocks * dim),
                Arrays.copyOf(valueCodes, quantized * rowBytes), Arrays.copyOf(valueScale, quantized * vGroups),
                Arrays.copyOf(valueZero, quantized * vGroups), resLength, Arrays.copyOf(resKeys, resLength * dim),
                Arrays.copyOf(resValues, resLength * dim));
    }

    @Override
    public long codeBytes() {
        return 2L * quantized * rowBytes;
    }

    @Override
    public long metadataBytes() {
        return 2L * Short.BYTES * ((long) (quantized / group) * dim + (long) quantized * (dim / group));
    }

    /** Bytes of the half-precision residual (K and V). */
    @Override
    public long residualBytes() {
        return 2L * Short.BYTES * resLength * dim;
    }

    /** Bytes of outliers: half value plus a 4-byte flat index each. */
    @Override
    public long outlierBytes() {
        return (long) outliers * (Short.BYTES + Integer.BYTES);
    }
}
