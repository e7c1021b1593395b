package io.kvasir.tornado;

import io.kvasir.compression.HeadStore;
import io.kvasir.compression.KvCache;
import io.kvasir.kernels.tornado.AttentionKernels;
import io.kvasir.kernels.tornado.SelectionKernels;
import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/** A float32 layer cache, [storedHeads][capacity][headDim] for K and for V (see {@link AttentionKernels}). */
final class DenseDeviceCache implements DeviceKvCache {
    private final int stored;
    private final int kvHeads;
    private final int heads;
    private final int dim;
    private final int capacity;
    private final FloatArray keys;
    private final FloatArray values;
    private final IntArray slot;
    private final int[] lengths;

    DenseDeviceCache(int stored, int kvHeads, int heads, int dim, int capacity) {
        this.stored = stored;
        this.kvHeads = kvHeads;
        this.heads = heads;
        this.dim = dim;
        this.capacity = capacity;
        keys = new FloatArray(stored * capacity * dim);
        values = new FloatArray(stored * capacity * dim);
        keys.init(0f);
        values.init(0f);
        slot = new IntArray(stored);
        lengths = new int[stored];
    }

    @Override
    public Object[] arrays() {
        return new Object[] {keys, values};
    }

    @Override
    public Object[] stepInts() {
        return new Object[] {slot};
    }

    @Override
    public int capacity() {
        return capacity;
    }

    @Override
    public void fill(KvCache cache, int layer) {
        float[] row = new float[dim];
        for (int s = 0; s < stored; s++) {
            HeadStore head = cache.head(layer, s);
            if (head.length() > capacity) {
                throw new IllegalStateException("device KV cache full: " + capacity + " entries per head");
            }
            lengths[s] = head.length();
            for (int i = 0; i < head.length(); i++) {
                head.readKey(i, row, 0);
                for (int j = 0; j < dim; j++) {
                    keys.set((s * capacity + i) * dim + j, row[j]);
                }
                head.readValue(i, row, 0);
                for (int j = 0; j < dim; j++) {
                    values.set((s * capacity + i) * dim + j, row[j]);
                }
            }
        }
    }

    @Override
    public void advance() {
        for (int s = 0; s < stored; s++) {
            if (lengths[s] >= capacity) {
                throw new IllegalStateException("device KV cache full: " + capacity + " entries per head");
            }
            slot.set(s, lengths[s]);
            lengths[s]++;
        }
    }

    @Override
    public void attend(TaskGraph g, String p, FloatArray q, FloatArray k, FloatArray v, FloatArray scores,
                       FloatArray attn, float scale) {
        g.task(p + "append", AttentionKernels::cacheAppend, k, v, keys, values, slot, stored, kvHeads, capacity, dim);
        g.task(p + "scores", AttentionKernels::decodeScores, q, keys, slot, scores, heads, stored, capacity, dim, scale);
        g.task(p + "softmax", AttentionKernels::decodeSoftmax, scores, slot, heads, stored, capacity);
        g.task(p + "values", AttentionKernels::decodeValues, scores, values, slot, attn, heads, stored, capacity, dim);
    }

    @Override
    public void keep(TaskGraph g, String id, FloatArray x) {
        g.task(id, AttentionKernels::keep, x, keys, values);
    }

    /** Adds the task that writes a prompt's first count[0] K/V rows ([tokens][kvHeads][headDim]) into the cache. */
    void storePrompt(TaskGraph g, String id, FloatArray k, FloatArray v, IntArray count, int tokens) {
        g.task(id, AttentionKernels::storePrompt, k, v, keys, values, count, stored, kvHeads, capacity, dim, tokens);
    }

    /**
     * Adds the task that writes the kept prompt K/V rows into the cache: entry i of stored head s is
     * prompt row kept[s][i] (kept is [stored][stride]), for i below keptLength[s].
     */
    void storeKept(TaskGraph g, String id, FloatArray k, FloatArray v, IntArray kept, IntArray keptLength, int stride) {
        g.task(id, SelectionKernels::gatherKept, k, v, kept, keptLength, keys, values, stored, kvHeads, stride, capacity, dim);
    }

    /** Bookkeeping after a prefill on the device: stored head s holds entries[s] entries. */
    void startWith(int[] entries) {
        System.arraycopy(entries, 0, lengths, 0, stored);
    }
}
