package io.kvasir.compression.cache;

/**
 * How the cache stores keys and values, per layer: float32, half, or b-bit codes (8/4/2) in a
 * quantization scheme, with LayerQuant's range of layers at their own bit width (docs/methods/layerquant.md#the-rule).
 *
 * @param bits             32, 16, 8, 4 or 2: every layer outside the LayerQuant range
 * @param scheme           grouping of quantized layers
 * @param group            quantization group G (tokens per key group, channels per value group), or
 *                         {@link #AUTO_GROUP} to choose it from the head dimension ({@link #groupFor(int)})
 * @param residual         recent tokens kept in half precision before being quantized (kivi R), or
 *                         {@link #AUTO_RESIDUAL} until a compression configuration decides it
 * @param outlierThreshold kvquant's absolute outlier threshold (6.0 in the reference, docs/methods/kvquant.md#the-rule)
 * @param layerQuantBegin  first layer of the LayerQuant range; begin == end means no LayerQuant
 * @param layerQuantEnd    end (exclusive) of the LayerQuant range
 * @param layerQuantBits   bits of the layers in the range (16 = half precision)
 * @param layerQuantInverted reproduce the reference bug: layers in the range stored unquantized
 *                         (half) although their token budget is scaled by 16 / layerQuantBits
 */
public record KvStorage(int bits, QuantScheme scheme, int group, int residual, float outlierThreshold,
                        int layerQuantBegin, int layerQuantEnd, int layerQuantBits, boolean layerQuantInverted) {
    public static final KvStorage F32 = of(32);
    public static final KvStorage F16 = of(16);
    /** A group chosen per model by {@link #groupFor(int)}. */
    public static final int AUTO_GROUP = 0;
    /** A residual the compression configuration decides (it knows how many tokens the method keeps). */
    public static final int AUTO_RESIDUAL = -1;
    /** KIVI's group, the largest an automatic group gets. */
    private static final int DEFAULT_GROUP = 32;

    public KvStorage {
        checkBits(bits, "--kv-bits");
        if (scheme == null) {
            throw new IllegalArgumentException("quantization scheme must be set");
        }
        if (group < AUTO_GROUP) {
            throw new IllegalArgumentException("--quant-group must be >= 1 (or auto), got " + group);
        }
        if (residual < AUTO_RESIDUAL) {
            throw new IllegalArgumentException("--quant-residual must be >= 0 tokens, got " + residual);
        }
        if (layerQuantBegin < 0 || layerQuantEnd < layerQuantBegin) {
            throw new IllegalArgumentException("LayerQuant layers [" + layerQuantBegin + ", " + layerQuantEnd
                    + ") are not a range");
        }
        if (layerQuant()) {
            if (layerQuantBits == 32) {
                throw new IllegalArgumentException("--layer-quant-bits must be 16, 8, 4 or 2, got 32");
            }
            checkBits(layerQuantBits, "--layer-quant-bits");
        }
    }

    private static void checkBits(int bits, String flag) {
        if (bits != 32 && bits != 16 && bits != 8 && bits != 4 && bits != 2) {
            throw new IllegalArgumentException(flag + " must be 32, 16, 8, 4 or 2, got " + bits);
        }
    }

    /** Unquantized storage of the given width (32 or 16), or b-bit kivi with group 32, residual 128. */
    public static KvStorage of(int bits) {
        return new KvStorage(bits, QuantScheme.KIVI, 32, 128, Float.NaN, 0, 0, 16, false);
    }

    public static KvStorage of(KvPrecision precision) {
        return precision == KvPrecision.F32 ? F32 : F16;
    }

    public KvStorage withQuantization(QuantScheme scheme, int group, int residual) {
        float threshold = scheme == QuantScheme.KVQUANT ? (Float.isNaN(outlierThreshold) ? 6f : outlierThreshold) : Float.NaN;
        return new KvStorage(bits, scheme, group, residual, threshold, layerQuantBegin, layerQuantEnd, layerQuantBits,
                layerQuantInverted);
    }

    /** The same storage with another residual (an automatic one decided). */
    public KvStorage withResidual(int tokens) {
        return new KvStorage(bits, scheme, group, tokens, outlierThreshold, layerQuantBegin, layerQuantEnd, layerQuantBits,
                layerQuantInverted);
    }

    /** The same storage at another width (layers outside a LayerQuant range). */
    public KvStorage withBits(int newBits) {
        return new KvStorage(newBits, scheme, group, residual, outlierThreshold, layerQuantBegin, layerQuantEnd,
                layerQuantBits, layerQuantInverted);
    }

    public KvStorage withOutlierThreshold(float threshold) {
        return new KvStorage(bits, scheme, group, residual, threshold, layerQuantBegin, layerQuantEnd, layerQuantBits,
                layerQuantInverted);
    }

    public KvStorage withLayerQuant(int begin, int end, int rangeBits, boolean inverted) {
        return new KvStorage(bits, scheme, group, residual, outlierThreshold, begin, end, rangeBits, inverted);
    }

    public boolean layerQuant() {
        return layerQuantEnd > layerQuantBegin;
    }

    private boolean inRange(int layer) {
        return layer >= layerQuantBegin && layer < layerQuantEnd;
    }

    /** Bits a layer is actually stored at. */
    public int bitsOf(int layer) {
        if (layerQuant() && inRange(layer)) {
            return layerQuantInverted ? 16 : layerQuantBits;
        }
        return bits;
    }

    /**
     * Factor on a layer's token budget: 16 / nominal bits under LayerQuant (the nominal bits are the
     * requested ones, also when the inverted reference stores the layer in half precision), else 1.
     */
    public double tokenScale(int layer) {
        if (!layerQuant()) {
            return 1.0;
        }
        int nominal = inRange(layer) ? layerQuantBits : bits;
        return 16.0 / Math.min(16, nominal);
    }

    /** Whether a layer is quantized once at prefill with the reference's axis groups. */
    public boolean referenceQuantized(int layer) {
        return scheme == QuantScheme.REFERENCE && bitsOf(layer) <= 8;
    }

    /** Whether some layer stores codes. */
    public boolean anyQuantized() {
        return bits <= 8 || (layerQuant() && !layerQuantInverted && layerQuantBits <= 8);
    }

    /** Bytes per element of the uncompressed cache this one is compared with (float32 or half). */
    public int referenceElementBytes() {
        return bits == 32 ? 4 : 2;
    }

    /**
     * G for heads of {@code headDim} channels: the one set, or else the largest power of two up to
     * KIVI's 32 that divides the head dimension (32 for 64 or 128 channels, 16 for 16 or 80), which
     * every head can tile; a storage that quantizes nothing keeps the nominal 32.
     */
    public int groupFor(int headDim) {
        if (group != AUTO_GROUP) {
            return group;
        }
        if (!anyQuantized()) {
            return DEFAULT_GROUP;
        }
        int g = DEFAULT_GROUP;
        while (g > 1 && headDim % g != 0) {
            g /= 2;
        }
        return g;
    }

    /** This storage with its group decided for heads of {@code headDim} channels. */
    public KvStorage forHeadDim(int headDim) {
        return group == AUTO_GROUP ? new KvStorage(bits, scheme, groupFor(headDim), residual, outlierThreshold,
                layerQuantBegin, layerQuantEnd, layerQuantBits, layerQuantInverted) : this;
    }

    /** Rejects a head dimension that a quantized layer could not tile, before anything is computed. */
    public void check(int layers, int headDim) {
        for (int l = 0; l < layers; l++) {
            if (bitsOf(l) <= 8 && scheme != QuantScheme.REFERENCE) {
                KiviHeadStore.checkShape(headDim, bitsOf(l), groupFor(headDim));
            } else if (bitsOf(l) <= 8 && headDim * bitsOf(l) % 8 != 0) {
                throw new IllegalArgumentException(bitsOf(l) + "-bit codes of a " + headDim
                        + "-channel head do not fill whole bytes");
            }
        }
    }

    /** A store for one stored head of one layer. */
    public HeadStore createStore(int layer, int headDim, int capacity) {
        int b = bitsOf(layer);
        if (b == 32) {
            return new F32HeadStore(headDim, capacity);
        }
        if (b == 16 || scheme == QuantScheme.REFERENCE) {
            // Reference layers are quantized as a whole at prefill (KvCache.storePrefill).
            return new F16HeadStore(headDim, capacity);
        }
        if (residual == AUTO_RESIDUAL) {
            throw new IllegalStateException("the automatic quantization residual was not decided (CompressionConfig.resolve)");
        }
        return new KiviHeadStore(headDim, b, groupFor(headDim), residual,
                scheme == QuantScheme.KVQUANT ? outlierThreshold : Float.NaN, capacity);
    }

    /**
     * The store {@link HeadStore#save} wrote for one stored head of one layer, of the kind
     * {@link #createStore} makes for that layer.
     */
    public HeadStore restoreStore(int layer, int headDim, StoreSource in) {
        int b = bitsOf(layer);
        if (b == 32) {
            return new F32HeadStore(headDim, in);
        }
        if (b == 16 || scheme == QuantScheme.REFERENCE) {
            return new F16HeadStore(headDim, in);
        }
        return new KiviHeadStore(headDim, b, groupFor(headDim), residual,
                scheme == QuantScheme.KVQUANT ? outlierThreshold : Float.NaN, in);
    }

    /** Short description for reports, e.g. "4-bit kivi G=32 R=128". */
    public String describe() {
        String base = bits >= 16 ? bits + "-bit float" : bits + "-bit " + scheme.cliName() + " G="
                + (group == AUTO_GROUP ? "auto" : group)
                + (scheme == QuantScheme.REFERENCE ? " (prompt quantized once, new tokens fp16)"
                        : " R=" + (residual == AUTO_RESIDUAL ? "auto" : residual))
                + (scheme == QuantScheme.KVQUANT ? " outliers |x|>" + outlierThreshold : "");
        if (layerQuant()) {
            base += "; layers [" + layerQuantBegin + "," + layerQuantEnd + ") at " + (layerQuantInverted
                    ? "16-bit (reference inverted switch, budget x" + 16 / layerQuantBits + ")" : layerQuantBits + "-bit");
        }
        return base;
    }
}
