package io.kvasir.tornado;

import io.kvasir.compression.KvCache;
import io.kvasir.compression.KvStorage;
import io.kvasir.model.ModelConfig;
import io.kvasir.model.ModelWeights;
import java.util.ArrayList;
import java.util.List;
import uk.ac.manchester.tornado.api.ImmutableTaskGraph;
import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.TornadoExecutionPlan;
import uk.ac.manchester.tornado.api.exceptions.TornadoExecutionPlanException;

/**
 * Decode (and, for a float32 cache, prefill) on the device: one {@link TornadoExecutionPlan} holding
 * an embedding graph, per layer a cache-upload graph and a layer graph, a logits graph
 * ({@link DecodeGraphs}), and per layer a prefill graph ({@link PrefillGraphs}), in the order of
 * {@link GraphOrder}. Weights are uploaded on their graph's first execution and stay; the plan lives as
 * long as its {@link TornadoForward}, so later requests reuse them. A decode step runs embedding, the
 * layer graphs and logits; the activation x and the position pass from graph to graph on the device,
 * the per-step ints (token, position, each layer's cache slots) go in small int arrays
 * ({@link PlanBuffers}), and only the logits come back.
 *
 * <p>How buffers are shared: TornadoVM hands a persisted buffer to a consuming graph only from the
 * graph executed just before it (it looks up the last executed graph by name), a graph's first
 * execution needs every object it consumes, and a FIRST_EXECUTION array is never uploaded again.
 * Once handed over, the two graphs hold the same device buffer for good. Hence:
 * <ul>
 *   <li>Layer l's cache arrays belong to graph "kv l", which uploads them on every execution (the
 *       host's prefill result) and runs, between layer l - 1 and layer l, only on the first step of a
 *       request whose prefill ran on the CPU. The layer graph consumes the cache from it.</li>
 *   <li>Prefill graph l writes the prompt's K/V into the same cache and reads the layer's weights, so
 *       it consumes both from layer graph l; the prompt activations X pass from prefill graph to
 *       prefill graph. A wiring run at construction executes every graph once in an order where each
 *       one follows a graph holding all it consumes ({@link GraphOrder#wire}); for that, the upload and
 *       layer graphs carry X and the embedding table along ({@link PlanBuffers#carried}).</li>
 *   <li>A tied lm head is the embedding table: every graph carries it to the logits graph, so it is
 *       uploaded once.</li>
 * </ul>
 * Prefill runs over a fixed number of rows (the cache capacity), the prompt padded: attention is
 * causal, so rows past the prompt do not change the prompt's rows, and kernels with fixed sizes
 * compile once; the prompt length (and SnapKV's candidate count) go in int arrays read at run time.
 *
 * <p>A plan built with {@link DeviceSnapKv} settings runs SnapKV's selection in each prefill graph
 * (observation-window scores, GQA reduction, pooling, top-k, compaction) and stores only the kept
 * K/V; a prompt the budget covers is kept whole (candidate count 0), so the plan serves the full
 * policy too. The kept positions per stored head come back to the host (for the decode bookkeeping
 * and the host cache's accounting); the K/V stay on the device.
 */
final class DevicePlan implements AutoCloseable {
    private final ModelConfig c;
    private final KvStorage storage;
    private final int stored;
    private final int capacity;
    private final List<DeviceKvCache> caches = new ArrayList<>();
    private final PlanBuffers buffers;
    private final PrefillGraphs prefillGraphs;
    private final GraphOrder order;
    private final TornadoExecutionPlan plan;
    private final DeviceSnapKv snap;
    private int[][][] kept;
    private boolean uploadPending;

    /**
     * @param entries entries each stored head must hold (kept prompt plus new tokens)
     * @param snap    SnapKV settings for the prefill graphs' selection, or null to store whole prompts
     */
    DevicePlan(ModelConfig c, ModelWeights weights, float[] invFreq, KvStorage storage, int stored, int entries,
               DeviceSnapKv snap) {
        this.c = c;
        this.snap = snap;
        this.storage = storage;
        this.stored = stored;
        int n = c.numLayers();
        for (int l = 0; l < n; l++) {
            caches.add(DeviceKvCache.create(storage, l, stored, c.numKvHeads(), c.numHeads(), c.headDim(), entries));
        }
        this.capacity = caches.stream().mapToInt(DeviceKvCache::capacity).min().orElseThrow();
        boolean prefills = caches.stream().allMatch(kv -> kv instanceof DenseDeviceCache);
        int scoreCapacity = caches.stream().mapToInt(DeviceKvCache::capacity).max().orElseThrow();
        this.buffers = new PlanBuffers(c, weights, prefills, capacity);
        this.order = new GraphOrder(n);
        DecodeGraphs decode = new DecodeGraphs(c, buffers);
        prefillGraphs = new PrefillGraphs(c, buffers, snap, stored);
        List<TaskGraph> decodeGraphs = new ArrayList<>();
        List<TaskGraph> prefill = new ArrayList<>();
        decodeGraphs.add(decode.embed());
        for (int l = 0; l < n; l++) {
            DeviceKvCache kv = caches.get(l);
            DeviceLayerWeights t = new DeviceLayerWeights(weights.layers().get(l), invFreq);
            decodeGraphs.add(decode.cacheUpload(l, kv));
            decodeGraphs.add(decode.layer(l, kv, t, scoreCapacity));
            if (prefills) {
                prefill.add(prefillGraphs.layer(l, (DenseDeviceCache) kv, t));
            }
        }
        decodeGraphs.add(decode.logits(weights));
        List<TaskGraph> all = new ArrayList<>(decodeGraphs);
        all.addAll(prefill);
        plan = new TornadoExecutionPlan(all.stream().map(TaskGraph::snapshot).toArray(ImmutableTaskGraph[]::new));
        if (prefills) {
            wire();
        }
    }

    /** The wiring run (see the class comment) with harmless inputs: token 0 at position 0, a one-token prompt. */
    private void wire() {
        buffers.token.set(0, 0);
        buffers.position.set(0, 0);
        buffers.promptLength.set(0, 1);
        buffers.candidates.set(0, 0);
        for (DeviceKvCache kv : caches) {
            kv.advance();
        }
        order.wire(plan);
    }

    /**
     * Whether a request with this storage, stored heads and entries per head fits this plan; with
     * SnapKV settings (non-null) it must also select as they say on the device.
     */
    boolean fits(KvStorage requested, int storedHeads, int entries, DeviceSnapKv selection) {
        return storage.equals(requested) && stored == storedHeads && entries <= capacity
                && (selection == null || selection.equals(snap));
    }

    /** Takes a new request's cache as the CPU prefill left it; the next step uploads it. */
    void load(KvCache cache) {
        for (int l = 0; l < caches.size(); l++) {
            caches.get(l).fill(cache, l);
        }
        kept = null;
        uploadPending = true;
    }

    /**
     * Runs the prompt on the device into the cache of every layer (whole, or with {@code select} on a
     * plan built with SnapKV settings, SnapKV's kept rows); returns the last position's logits. The
     * host cache is not touched; the kept positions are in {@link #keptPositions()}.
     */
    float[] prefill(int[] tokens, boolean select) {
        if (select && snap == null) {
            throw new IllegalStateException("this device plan was built without SnapKV settings");
        }
        if (!buffers.prefills) {
            throw new IllegalStateException("this device plan has no prefill graphs (quantized cache)");
        }
        if (tokens.length == 0 || tokens.length > capacity) {
            throw new IllegalArgumentException("prompt of " + tokens.length + " tokens for a device cache of " + capacity);
        }
        for (int token : tokens) {
            checkToken(token);
        }
        for (int i = 0; i < buffers.rows; i++) {
            buffers.promptTokens.set(i, i < tokens.length ? tokens[i] : 0);
        }
        buffers.promptLength.set(0, tokens.length);
        buffers.candidates.set(0, select ? snap.candidates(tokens.length) : 0);
        kept = new int[caches.size()][][];
        for (int l = 0; l < caches.size(); l++) {
            plan.withGraph(order.prefillIndex(l)).execute();
            kept[l] = prefillGraphs.kept(l, tokens.length);
            int[] lengths = new int[stored];
            for (int s = 0; s < stored; s++) {
                lengths[s] = kept[l][s].length;
            }
            ((DenseDeviceCache) caches.get(l)).startWith(lengths);
        }
        plan.withGraph(order.logitsIndex()).execute();
        uploadPending = false;
        return buffers.logits.toHeapArray();
    }

    /** Prompt positions each layer's stored heads kept in the last device prefill: [layer][storedHead][]. */
    int[][][] keptPositions() {
        if (kept == null) {
            throw new IllegalStateException("no prefill on the device yet");
        }
        return kept;
    }

    float[] step(int id, int pos) {
        checkToken(id);
        buffers.token.set(0, id);
        buffers.position.set(0, pos);
        for (DeviceKvCache kv : caches) {
            kv.advance();
        }
        plan.withGraph(order.embedIndex()).execute();
        for (int l = 0; l < caches.size(); l++) {
            if (uploadPending) {
                plan.withGraph(order.uploadIndex(l)).execute();
            }
            plan.withGraph(order.layerIndex(l)).execute();
        }
        plan.withGraph(order.logitsIndex()).execute();
        uploadPending = false;
        return buffers.logits.toHeapArray();
    }

    private void checkToken(int id) {
        if (id < 0 || id >= c.vocabSize()) {
            throw new IllegalArgumentException("token id " + id + " is outside the vocabulary of " + c.vocabSize());
        }
    }

    @Override
    public void close() {
        try {
            plan.close();
        } catch (TornadoExecutionPlanException e) {
            throw new IllegalStateException("closing the TornadoVM execution plan: " + e.getMessage(), e);
        }
    }
}
