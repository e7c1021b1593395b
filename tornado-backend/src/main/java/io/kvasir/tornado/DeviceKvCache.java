package io.kvasir.tornado;

import io.kvasir.compression.cache.KvCache;
import io.kvasir.compression.cache.KvStorage;
import io.kvasir.compression.cache.QuantScheme;
import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;

/**
 * One layer's KV cache on the device: the arrays that stay resident, the small per-step int arrays
 * the host sends with every decode step, and the tasks that append this step's K/V and attend over
 * the cache. The host keeps the per-head bookkeeping (lengths, ring positions) that fills those ints.
 */
interface DeviceKvCache {
    /** Arrays resident on the device; {@link #fill} rewrites their host side before an upload. */
    Object[] arrays();

    /** Small int arrays sent with every step. */
    Object[] stepInts();

    /** Entries each stored head can hold. */
    int capacity();

    /** Copies one layer of the host cache (as prefill left it) into the arrays; resets the bookkeeping. */
    void fill(KvCache cache, int layer);

    /** Sets the step ints for one more entry per stored head; a one-line error when the cache is full. */
    void advance();

    /**
     * Adds the tasks of one layer's attention: append k, v ([kvHeads][headDim] after RoPE) and write
     * softmax(q K^T * scale) V into attn ([heads][headDim]); scores ([heads][capacity]) is scratch.
     */
    void attend(TaskGraph g, String prefix, FloatArray q, FloatArray k, FloatArray v, FloatArray scores,
                FloatArray attn, float scale);

    /** Adds the task of the graph that uploads this cache ({@code keep}: reads the arrays and x, changes nothing). */
    void keep(TaskGraph g, String id, FloatArray x);

    /** Why the device cannot hold this layer's storage, or null when it can. */
    static String unsupported(KvStorage storage, int layer) {
        int bits = storage.bitsOf(layer);
        if (bits == 32) {
            return null;
        }
        if (bits == 16) {
            return "16-bit KV storage";
        }
        if (storage.scheme() != QuantScheme.KIVI) {
            return bits + "-bit " + storage.scheme().cliName() + " quantization (only kivi)";
        }
        return null;
    }

    /** The device cache for one layer of the given storage. */
    static DeviceKvCache create(KvStorage storage, int layer, int storedHeads, int kvHeads, int heads, int headDim,
                                int entries) {
        int bits = storage.bitsOf(layer);
        return bits == 32
                ? new DenseDeviceCache(storedHeads, kvHeads, heads, headDim, entries)
                : new KiviDeviceCache(storedHeads, kvHeads, heads, headDim, entries, bits, storage.group(),
                        storage.residual());
    }
}
