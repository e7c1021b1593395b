package io.kvasir.tornado;

import io.kvasir.compression.KvCache;
import io.kvasir.compression.quant.KiviHeadStore;
import io.kvasir.kernels.tornado.AttentionKernels;
import io.kvasir.kernels.tornado.QuantKernels;
import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.types.arrays.ByteArray;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;
import uk.ac.manchester.tornado.api.types.arrays.ShortArray;

/**
 * A KIVI-quantized layer cache on the device, the mirror of the host's {@link KiviHeadStore}s: packed
 * codes, half-precision scales and zeros, and the half-precision residual as a ring of R + G entries
 * (layouts in {@link QuantKernels}). Each step appends to the ring; when a head's residual reaches
 * R + G entries its oldest G are quantized and packed on the device, exactly when the host store
 * would flush, so the device holds what the CPU backend's cache would hold.
 */
final class KiviDeviceCache implements DeviceKvCache {
    private final int stored;
    private final int kvHeads;
    private final int heads;
    private final int dim;
    private final int capacity;
    private final int bits;
    private final int group;
    private final int ring;
    private final int rowBytes;

    private final ByteArray keyCodes;
    private final ByteArray valueCodes;
    private final ShortArray keyScale;
    private final ShortArray keyZero;
    private final ShortArray valueScale;
    private final ShortArray valueZero;
    private final ShortArray resKeys;
    private final ShortArray resValues;
    private final IntArray keyScratch;
    private final IntArray valueScratch;

    private final IntArray ringSlot;
    private final IntArray flush;
    private final IntArray quantBefore;
    private final IntArray startBefore;
    private final IntArray quantAfter;
    private final IntArray startAfter;
    private final IntArray residualAfter;
    private final IntArray last;

    // Host bookkeeping per stored head: entries as codes, ring index of the oldest residual entry, residual length.
    private final int[] quant;
    private final int[] start;
    private final int[] len;

    /** @param entries entries per stored head to make room for; rounded up to whole key groups */
    KiviDeviceCache(int stored, int kvHeads, int heads, int dim, int entries, int bits, int group, int residual) {
        KiviHeadStore.checkShape(dim, bits, group);
        this.stored = stored;
        this.kvHeads = kvHeads;
        this.heads = heads;
        this.dim = dim;
        this.bits = bits;
        this.group = group;
        this.capacity = (entries + group - 1) / group * group;
        this.ring = residual + group;
        this.rowBytes = dim * bits / 8;
        keyCodes = new ByteArray(stored * capacity * rowBytes);
        valueCodes = new ByteArray(stored * capacity * rowBytes);
        keyScale = new ShortArray(stored * (capacity / group) * dim);
        keyZero = new ShortArray(stored * (capacity / group) * dim);
        valueScale = new ShortArray(stored * capacity * (dim / group));
        valueZero = new ShortArray(stored * capacity * (dim / group));
        resKeys = new ShortArray(stored * ring * dim);
        resValues = new ShortArray(stored * ring * dim);
        keyScratch = new IntArray(stored * group * dim);
        valueScratch = new IntArray(stored * group * dim);
        keyCodes.init((byte) 0);
        valueCodes.init((byte) 0);
        for (ShortArray a : new ShortArray[] {keyScale, keyZero, valueScale, valueZero, resKeys, resValues}) {
            a.init((short) 0);
        }
        keyScratch.init(0);
        valueScratch.init(0);
        ringSlot = new IntArray(stored);
        flush = new IntArray(stored);
        quantBefore = new IntArray(stored);
        startBefore = new IntArray(stored);
        quantAfter = new IntArray(stored);
        startAfter = new IntArray(stored);
        residualAfter = new IntArray(stored);
        last = new IntArray(stored);
        quant = new int[stored];
        start = new int[stored];
        len = new int[stored];
    }

    @Override
    public Object[] arrays() {
        return new Object[] {keyCodes, valueCodes, keyScale, keyZero, valueScale, valueZero, resKeys, resValues,
            keyScratch, valueScratch};
    }

    @Override
    public Object[] stepInts() {
        return new Object[] {ringSlot, flush, quantBefore, startBefore, quantAfter, startAfter, residualAfter, last};
    }

    @Override
    public int capacity() {
        return capacity;
    }

    @Override
    public void fill(KvCache cache, int layer) {
        for (int s = 0; s < stored; s++) {
            if (!(cache.head(layer, s) instanceof KiviHeadStore store)) {
                throw new IllegalStateException("layer " + layer + " is not a kivi-quantized cache");
            }
            KiviHeadStore.Contents c = store.contents();
            if (c.quantized() + c.residualLength() > capacity) {
                throw new IllegalStateException("device KV cache full: " + capacity + " entries per head");
            }
            for (int i = 0; i < c.quantized() * rowBytes; i++) {
                keyCodes.set(s * capacity * rowBytes + i, c.keyCodes()[i]);
                valueCodes.set(s * capacity * rowBytes + i, c.valueCodes()[i]);
            }
            for (int i = 0; i < c.keyScale().length; i++) {
                keyScale.set(s * (capacity / group) * dim + i, c.keyScale()[i]);
                keyZero.set(s * (capacity / group) * dim + i, c.keyZero()[i]);
            }
            for (int i = 0; i < c.valueScale().length; i++) {
                valueScale.set(s * capacity * (dim / group) + i, c.valueScale()[i]);
                valueZero.set(s * capacity * (dim / group) + i, c.valueZero()[i]);
            }
            // The host residual starts at index 0, so the device ring starts there too.
            for (int i = 0; i < c.residualLength() * dim; i++) {
                resKeys.set(s * ring * dim + i, c.residualKeys()[i]);
                resValues.set(s * ring * dim + i, c.residualValues()[i]);
            }
            quant[s] = c.quantized();
            start[s] = 0;
            len[s] = c.residualLength();
        }
    }

    /** The host store's append, in ring positions: a flush when the residual reaches R + G entries. */
    @Override
    public void advance() {
        for (int s = 0; s < stored; s++) {
            if (quant[s] + len[s] >= capacity) {
                throw new IllegalStateException("device KV cache full: " + capacity + " entries per head");
            }
            quantBefore.set(s, quant[s]);
            startBefore.set(s, start[s]);
            ringSlot.set(s, (start[s] + len[s]) % ring);
            len[s]++;
            flush.set(s, 0);
            if (len[s] == ring) {
                flush.set(s, 1);
                quant[s] += group;
                start[s] = (start[s] + group) % ring;
                len[s] -= group;
            }
            quantAfter.set(s, quant[s]);
            startAfter.set(s, start[s]);
            residualAfter.set(s, len[s]);
            last.set(s, quant[s] + len[s] - 1);
        }
    }

    @Override
    public void attend(TaskGraph g, String p, FloatArray q, FloatArray k, FloatArray v, FloatArray scores,
                       FloatArray attn, float scale) {
        g.task(p + "append", QuantKernels::append, k, v, resKeys, resValues, ringSlot, stored, kvHeads, ring, dim);
        g.task(p + "quantk", QuantKernels::quantizeKeys, resKeys, keyScratch, keyScale, keyZero, flush, quantBefore,
                startBefore, stored, ring, capacity, dim, group, bits);
        g.task(p + "quantv", QuantKernels::quantizeValues, resValues, valueScratch, valueScale, valueZero, flush,
                quantBefore, startBefore, stored, ring, capacity, dim, group, bits);
        g.task(p + "packk", QuantKernels::pack, keyScratch, keyCodes, flush, quantBefore, stored, capacity, dim, group, bits);
        g.task(p + "packv", QuantKernels::pack, valueScratch, valueCodes, flush, quantBefore, stored, capacity, dim, group,
                bits);
        g.task(p + "scores", QuantKernels::scores, q, keyCodes, keyScale, keyZero, resKeys, quantAfter, startAfter,
                residualAfter, scores, heads, stored, capacity, ring, dim, group, bits, scale);
        g.task(p + "softmax", AttentionKernels::decodeSoftmax, scores, last, heads, stored, capacity);
        g.task(p + "values", QuantKernels::values, scores, valueCodes, valueScale, valueZero, resValues, quantAfter,
                startAfter, residualAfter, attn, heads, stored, capacity, ring, dim, group, bits);
    }

    @Override
    public void keep(TaskGraph g, String id, FloatArray x) {
        g.task(id, QuantKernels::keep, x, keyCodes, valueCodes, keyScale, keyZero, valueScale, valueZero, resKeys,
                resValues, keyScratch, valueScratch);
    }
}
