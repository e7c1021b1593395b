package io.kvasir.compression.cache;

import io.kvasir.compression.policy.KeptPositions;
import io.kvasir.compression.policy.KvLayout;

/**
 * The KV cache of one sequence: per layer, per stored head, a {@link HeadStore} with its own length
 * (heads may keep different numbers of tokens). Prefill hands each layer's full K/V and the kept
 * positions chosen by the policy; decode appends one token per layer. Bytes are counted from what
 * the stores hold, never estimated.
 */
public final class KvCache {
    private final KvLayout layout;
    private final KvStorage storage;
    private final int capacityHint;
    private final HeadStore[][] stores;
    private long peakBytes;
    private int tokensSeen;

    /**
     * @param capacityHint entries each head is expected to hold (prompt plus new tokens); stores grow
     *                     beyond it when needed
     */
    public KvCache(KvLayout layout, KvPrecision precision, int capacityHint) {
        this(layout, KvStorage.of(precision), capacityHint);
    }

    /** A cache whose stores follow {@code storage}, layer by layer. */
    public KvCache(KvLayout layout, KvStorage storage, int capacityHint) {
        storage.check(layout.layers(), layout.headDim());
        this.layout = layout;
        this.storage = storage.forHeadDim(layout.headDim());
        this.capacityHint = capacityHint;
        this.stores = new HeadStore[layout.layers()][layout.storedHeads()];
        for (int l = 0; l < stores.length; l++) {
            for (int h = 0; h < stores[l].length; h++) {
                stores[l][h] = storage.createStore(l, layout.headDim(), capacityHint);
            }
        }
    }

    private KvCache(KvLayout layout, KvStorage storage, HeadStore[][] stores, int tokensSeen) {
        this.layout = layout;
        this.storage = storage;
        this.capacityHint = tokensSeen;
        this.stores = stores;
        this.tokensSeen = tokensSeen;
        this.peakBytes = bytesHeld();
    }

    /**
     * A cache of stores restored from a save ({@link HeadStore#save}, [layer][stored head]) of a sequence that
     * had seen {@code tokensSeen} tokens; decode appends to it as to the cache that was saved.
     */
    public static KvCache restored(KvLayout layout, KvStorage storage, HeadStore[][] stores, int tokensSeen) {
        if (stores.length != layout.layers()) {
            throw new IllegalArgumentException(stores.length + " layers of stores for a layout of " + layout.layers());
        }
        for (HeadStore[] layer : stores) {
            if (layer.length != layout.storedHeads()) {
                throw new IllegalArgumentException(layer.length + " stored heads for a layout of " + layout.storedHeads());
            }
        }
        return new KvCache(layout, storage.forHeadDim(layout.headDim()), stores, tokensSeen);
    }

    public KvLayout layout() {
        return layout;
    }

    public KvStorage storage() {
        return storage;
    }

    /** Store of one stored head in one layer. */
    public HeadStore head(int layer, int storedHead) {
        return stores[layer][storedHead];
    }

    /**
     * Stores one layer's prompt entries at the kept positions.
     *
     * @param keys   [T][kvHeads][headDim] after RoPE
     * @param values [T][kvHeads][headDim]
     * @param kept   per stored head, prompt positions in the policy's cache order
     *               ({@link CompressionPolicy#selectInCacheOrder}): the reference layout quantizes
     *               in that order, the other stores hold them ascending
     */
    public void storePrefill(int layer, float[] keys, float[] values, int promptLength, int[][] kept) {
        int kvDim = layout.kvHeads() * layout.headDim();
        // While a layer is being compressed its uncompressed K/V exist too: that is the prefill peak.
        long working = 2L * promptLength * layout.storedHeads() * layout.headDim() * storage.referenceElementBytes();
        peakBytes = Math.max(peakBytes, bytesHeld() + working);
        if (storage.referenceQuantized(layer)) {
            storeReferencePrefill(layer, keys, values, kvDim, promptLength, kept);
            tokensSeen = Math.max(tokensSeen, promptLength);
            peakBytes = Math.max(peakBytes, bytesHeld());
            return;
        }
        int[][] ascending = KeptPositions.ascending(kept);
        for (int s = 0; s < layout.storedHeads(); s++) {
            int headOff = layout.kvHeadOf(s) * layout.headDim();
            HeadStore store = stores[layer][s];
            for (int p : ascending[s]) {
                if (p < 0 || p >= promptLength) {
                    throw new IllegalStateException("policy kept position " + p + " outside the prompt of " + promptLength);
                }
                store.append(p, keys, p * kvDim + headOff, values, p * kvDim + headOff);
            }
        }
        tokensSeen = Math.max(tokensSeen, promptLength);
        peakBytes = Math.max(peakBytes, bytesHeld());
    }

    private void storeReferencePrefill(int layer, float[] keys, float[] values, int kvDim, int promptLength, int[][] kept) {
        int dim = layout.headDim();
        int heads = layout.storedHeads();
        float[][] k = new float[heads][];
        float[][] v = new float[heads][];
        for (int s = 0; s < heads; s++) {
            int headOff = layout.kvHeadOf(s) * dim;
            k[s] = new float[kept[s].length * dim];
            v[s] = new float[kept[s].length * dim];
            for (int i = 0; i < kept[s].length; i++) {
                int p = kept[s][i];
                if (p < 0 || p >= promptLength) {
                    throw new IllegalStateException("policy kept position " + p + " outside the prompt of " + promptLength);
                }
                // The reference computes in fp16: its cache holds half-precision K/V before quantizing.
                for (int d = 0; d < dim; d++) {
                    k[s][i * dim + d] = Float.float16ToFloat(Float.floatToFloat16(keys[p * kvDim + headOff + d]));
                    v[s][i * dim + d] = Float.float16ToFloat(Float.floatToFloat16(values[p * kvDim + headOff + d]));
                }
            }
        }
        HeadStore[] made = ReferenceLayerQuantizer.quantize(layer, k, v, kept, dim, storage.bitsOf(layer),
                storage.group(), capacityHint);
        System.arraycopy(made, 0, stores[layer], 0, heads);
    }

    /** Appends one decoded token's K/V ([kvHeads][headDim], K after RoPE) to a layer. */
    public void append(int layer, int position, float[] k, float[] v) {
        for (int s = 0; s < layout.storedHeads(); s++) {
            int off = layout.kvHeadOf(s) * layout.headDim();
            stores[layer][s].append(position, k, off, v, off);
        }
        if (layer == layout.layers() - 1) {
            tokensSeen = Math.max(tokensSeen, position + 1);
            peakBytes = Math.max(peakBytes, bytesHeld());
        }
    }

    /** Bytes of K and V payload held now, all layers and heads. */
    public long bytesHeld() {
        long total = 0;
        for (int l = 0; l < stores.length; l++) {
            total += bytesHeld(l);
        }
        return total;
    }

    /** Bytes held by one layer. */
    public long bytesHeld(int layer) {
        long total = 0;
        for (HeadStore s : stores[layer]) {
            total += s.bytes();
        }
        return total;
    }

    /**
     * Bits per stored key or value element, from the bytes held: codes, scales, zeros, the half-precision
     * residual and outliers together. This is what a requested width bought: 4-bit codes with G = 32
     * come to 5 bits, and a cache whose entries all sit in the residual to 16, whatever --kv-bits said.
     * 0 for an empty cache.
     */
    public double effectiveBits() {
        long elements = 0;
        for (int l = 0; l < stores.length; l++) {
            elements += elementsHeld(l);
        }
        return elements == 0 ? 0 : 8.0 * bytesHeld() / elements;
    }

    /** {@link #effectiveBits()} of one layer. */
    public double effectiveBits(int layer) {
        long elements = elementsHeld(layer);
        return elements == 0 ? 0 : 8.0 * bytesHeld(layer) / elements;
    }

    /** Key and value elements one layer holds. */
    private long elementsHeld(int layer) {
        long entries = 0;
        for (HeadStore s : stores[layer]) {
            entries += s.length();
        }
        return 2L * entries * layout.headDim();
    }

    /**
     * Whether the storage asks for codes but the cache holds none: every entry of a kivi layer still in
     * the half-precision residual (a pruned cache no longer than --quant-residual).
     */
    public boolean quantizedNothing() {
        if (!storage.anyQuantized()) {
            return false;
        }
        for (int l = 0; l < stores.length; l++) {
            for (HeadStore s : stores[l]) {
                boolean coded = s instanceof KiviHeadStore k ? k.quantizedLength() > 0
                        : s instanceof ReferenceHeadStore && s.length() > 0;
                if (coded) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Entries held per stored head: [layer][head]. */
    public int[][] lengths() {
        int[][] out = new int[stores.length][];
        for (int l = 0; l < stores.length; l++) {
            out[l] = new int[stores[l].length];
            for (int h = 0; h < stores[l].length; h++) {
                out[l][h] = stores[l][h].length();
            }
        }
        return out;
    }

    /** Tokens the sequence has seen (prompt plus appended), i.e. what an uncompressed cache would hold. */
    public int tokensSeen() {
        return tokensSeen;
    }

    /**
     * Bytes an uncompressed cache (float32 for 32-bit storage, half otherwise) would hold for the tokens seen, stored per
     * KV head (the model's native layout).
     */
    public long fullKvEquivalentBytes() {
        return 2L * tokensSeen * layout.layers() * layout.kvHeads() * layout.headDim() * storage.referenceElementBytes();
    }

    /** Largest number of bytes held at any point, counting a layer's uncompressed K/V during prefill. */
    public long peakBytes() {
        return peakBytes;
    }
}
