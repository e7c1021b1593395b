package io.kvasir.tornado;

import io.kvasir.compression.KvCache;
import io.kvasir.compression.KvStorage;
import io.kvasir.kernels.tornado.AttentionKernels;
import io.kvasir.kernels.tornado.LinearKernels;
import io.kvasir.kernels.tornado.SelectionKernels;
import io.kvasir.model.LayerWeights;
import io.kvasir.model.ModelConfig;
import io.kvasir.model.ModelWeights;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import uk.ac.manchester.tornado.api.ImmutableTaskGraph;
import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.TornadoExecutionPlan;
import uk.ac.manchester.tornado.api.enums.DataTransferMode;
import uk.ac.manchester.tornado.api.exceptions.TornadoExecutionPlanException;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/**
 * Decode (and, for a float32 cache, prefill) on the device: one {@link TornadoExecutionPlan} holding
 * an embedding graph, per layer a cache-upload graph and a layer graph, a logits graph, and per layer
 * a prefill graph. Weights are uploaded on their graph's first execution and stay; the plan lives as
 * long as its {@link TornadoForward}, so later requests reuse them. A decode step runs embedding, the
 * layer graphs and logits; the activation x and the position pass from graph to graph on the device,
 * the per-step ints (token, position, each layer's cache slots) go in small int arrays, and only the
 * logits come back.
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
 *       one follows a graph holding all it consumes (embed, kv 0, layer 0, prefill 0, kv 1, ...,
 *       logits); for that, the upload and layer graphs carry X and the embedding table along.</li>
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
    private final IntArray token = new IntArray(1);
    private final IntArray position = new IntArray(1);
    private final IntArray promptTokens;
    private final IntArray promptLength = IntArray.fromElements(1);
    private final List<DeviceKvCache> caches = new ArrayList<>();
    private final FloatArray logits;
    private final TornadoExecutionPlan plan;
    private final boolean prefills;
    private final DeviceSnapKv snap;
    private final IntArray candidates = IntArray.fromElements(0);
    private final List<IntArray> keptLengths = new ArrayList<>();
    private final List<IntArray> keptRows = new ArrayList<>();
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
        int d = c.headDim();
        int n = c.numLayers();
        for (int l = 0; l < n; l++) {
            caches.add(DeviceKvCache.create(storage, l, stored, c.numKvHeads(), c.numHeads(), d, entries));
        }
        this.capacity = caches.stream().mapToInt(DeviceKvCache::capacity).min().orElseThrow();
        this.prefills = caches.stream().allMatch(kv -> kv instanceof DenseDeviceCache);
        int scoreCapacity = caches.stream().mapToInt(DeviceKvCache::capacity).max().orElseThrow();
        int rows = capacity;
        int hidden = c.hiddenSize();
        float eps = (float) c.rmsNormEps();
        float scale = (float) (1.0 / Math.sqrt(d));
        FloatArray x = new FloatArray(hidden);
        FloatArray promptX = new FloatArray(prefills ? rows * hidden : 1);
        promptTokens = new IntArray(prefills ? rows : 1);
        promptTokens.init(0);
        logits = new FloatArray(c.vocabSize());
        List<TaskGraph> decode = new ArrayList<>();
        List<TaskGraph> prefill = new ArrayList<>();

        TaskGraph embed = new TaskGraph("embed");
        DeviceWeights embedding = DeviceWeights.of(weights.embedding());
        embedding.upload(embed);
        embed.transferToDevice(DataTransferMode.EVERY_EXECUTION, token, position);
        embedding.embed(embed, "lookup", token, x, 1);
        embed.persistOnDevice(x, position, embedding.array());
        decode.add(embed);

        // A tied lm head reads the embedding table, which then travels along every graph to the logits graph.
        boolean tied = weights.lmHead() == weights.embedding();
        Object table = embedding.array();
        String previous = "embed";
        for (int l = 0; l < n; l++) {
            LayerWeights w = weights.layers().get(l);
            DeviceKvCache kv = caches.get(l);
            Object[] carried = carried(l, tied, table, promptX);
            String upload = "kv" + l;
            TaskGraph u = new TaskGraph(upload);
            u.consumeFromDevice(previous, x, position);
            if (tied) {
                u.consumeFromDevice(previous, table);
            }
            if (prefills) {
                // Layer 0's upload follows the embedding graph; the others follow a prefill graph in the wiring run.
                String wiredFrom = l == 0 ? previous : "prefill" + (l - 1);
                u.consumeFromDevice(wiredFrom, x, position);
                u.consumeFromDevice(wiredFrom, carried);
            }
            u.transferToDevice(DataTransferMode.EVERY_EXECUTION, kv.arrays());
            kv.keep(u, "keep", x);
            u.persistOnDevice(x, position);
            u.persistOnDevice(carried);
            u.persistOnDevice(kv.arrays());
            decode.add(u);

            LayerTensors t = new LayerTensors(w, invFreq);
            String name = "layer" + l;
            TaskGraph g = new TaskGraph(name);
            g.consumeFromDevice(previous, x, position);
            if (tied) {
                g.consumeFromDevice(previous, table);
            }
            g.consumeFromDevice(upload, x, position);
            g.consumeFromDevice(upload, carried);
            g.consumeFromDevice(upload, kv.arrays());
            g.transferToDevice(DataTransferMode.FIRST_EXECUTION, t.arrays());
            g.transferToDevice(DataTransferMode.EVERY_EXECUTION, kv.stepInts());
            FloatArray xn = new FloatArray(hidden);
            FloatArray q = new FloatArray(c.qDim());
            FloatArray k = new FloatArray(c.kvDim());
            FloatArray v = new FloatArray(c.kvDim());
            FloatArray attn = new FloatArray(c.qDim());
            FloatArray proj = new FloatArray(hidden);
            FloatArray gate = new FloatArray(c.intermediateSize());
            FloatArray up = new FloatArray(c.intermediateSize());
            FloatArray scores = new FloatArray(c.numHeads() * scoreCapacity);
            g.task("norm", LinearKernels::rmsNorm, x, t.inputNorm, xn, 1, hidden, eps);
            t.wq.matvec(g, "q", xn, q);
            t.wk.matvec(g, "k", xn, k);
            t.wv.matvec(g, "v", xn, v);
            if (t.bq != null) {
                g.task("bq", LinearKernels::addBias, q, t.bq, 1, c.qDim());
                g.task("bk", LinearKernels::addBias, k, t.bk, 1, c.kvDim());
                g.task("bv", LinearKernels::addBias, v, t.bv, 1, c.kvDim());
            }
            g.task("ropeq", AttentionKernels::rope, q, t.freq, position, 1, c.numHeads(), d);
            g.task("ropek", AttentionKernels::rope, k, t.freq, position, 1, c.numKvHeads(), d);
            kv.attend(g, "", q, k, v, scores, attn, scale);
            t.wo.matvec(g, "o", attn, proj);
            g.task("res1", LinearKernels::addInPlace, x, proj, hidden);
            g.task("norm2", LinearKernels::rmsNorm, x, t.postNorm, xn, 1, hidden, eps);
            t.wGate.matvec(g, "gate", xn, gate);
            t.wUp.matvec(g, "up", xn, up);
            g.task("swiglu", LinearKernels::swiglu, gate, up, c.intermediateSize());
            t.wDown.matvec(g, "down", gate, proj);
            g.task("res2", LinearKernels::addInPlace, x, proj, hidden);
            g.persistOnDevice(x, position);
            g.persistOnDevice(carried);
            if (prefills) {
                g.persistOnDevice(kv.arrays());
                g.persistOnDevice(t.arrays());
                prefill.add(prefillGraph(l, (DenseDeviceCache) kv, t, x, promptX, embedding, tied, rows));
            }
            decode.add(g);
            previous = name;
        }

        TaskGraph out = new TaskGraph("logits");
        out.consumeFromDevice(previous, x);
        if (tied) {
            out.consumeFromDevice(previous, table);
        }
        if (prefills) {
            out.consumeFromDevice("prefill" + (n - 1), x);
            if (tied) {
                out.consumeFromDevice("prefill" + (n - 1), table);
            }
        }
        FloatArray finalNorm = FloatArray.fromArray(weights.finalNorm());
        out.transferToDevice(DataTransferMode.FIRST_EXECUTION, finalNorm);
        FloatArray xn = new FloatArray(hidden);
        out.task("norm", LinearKernels::rmsNorm, x, finalNorm, xn, 1, hidden, eps);
        DeviceWeights lmHead = tied ? embedding : DeviceWeights.of(weights.lmHead());
        if (!tied) {
            lmHead.upload(out);
        }
        lmHead.matvec(out, "lmhead", xn, logits);
        out.transferToHost(DataTransferMode.EVERY_EXECUTION, logits);
        decode.add(out);

        List<TaskGraph> all = new ArrayList<>(decode);
        all.addAll(prefill);
        plan = new TornadoExecutionPlan(all.stream().map(TaskGraph::snapshot).toArray(ImmutableTaskGraph[]::new));
        if (prefills) {
            wire();
        }
    }

    /**
     * Objects the graphs of layer l pass along besides x and the position: the embedding table when
     * the lm head is tied (for the logits graph) or, for layer 0, when prefill graph 0 needs it; and
     * the prompt activations for prefill graph l (see the class comment).
     */
    private Object[] carried(int l, boolean tied, Object table, FloatArray promptX) {
        List<Object> objects = new ArrayList<>();
        if (tied || (prefills && l == 0)) {
            objects.add(table);
        }
        if (prefills && l > 0) {
            objects.add(promptX);
        }
        return objects.toArray();
    }

    /** The arrays of one layer's weights, as the layer graph uploads them and the prefill graph reads them. */
    private static final class LayerTensors {
        final DeviceWeights wq;
        final DeviceWeights wk;
        final DeviceWeights wv;
        final DeviceWeights wo;
        final DeviceWeights wGate;
        final DeviceWeights wUp;
        final DeviceWeights wDown;
        final FloatArray freq;
        final FloatArray inputNorm;
        final FloatArray postNorm;
        final FloatArray bq;
        final FloatArray bk;
        final FloatArray bv;

        LayerTensors(LayerWeights w, float[] invFreq) {
            wq = DeviceWeights.of(w.wq());
            wk = DeviceWeights.of(w.wk());
            wv = DeviceWeights.of(w.wv());
            wo = DeviceWeights.of(w.wo());
            wGate = DeviceWeights.of(w.wGate());
            wUp = DeviceWeights.of(w.wUp());
            wDown = DeviceWeights.of(w.wDown());
            freq = FloatArray.fromArray(invFreq);
            inputNorm = FloatArray.fromArray(w.inputNorm());
            postNorm = FloatArray.fromArray(w.postAttentionNorm());
            bq = w.bq() == null ? null : FloatArray.fromArray(w.bq());
            bk = w.bk() == null ? null : FloatArray.fromArray(w.bk());
            bv = w.bv() == null ? null : FloatArray.fromArray(w.bv());
        }

        Object[] arrays() {
            List<Object> a = new ArrayList<>(List.of(wq.array(), wk.array(), wv.array(), wo.array(), wGate.array(),
                    wUp.array(), wDown.array(), freq, inputNorm, postNorm));
            if (bq != null) {
                a.addAll(List.of(bq, bk, bv));
            }
            return a.toArray();
        }
    }

    /**
     * Layer l over the padded prompt: batched projections, RoPE from position 0, causal attention, the
     * prompt's K/V into the layer's cache; layer 0 starts with the embedding lookup, the last layer
     * ends by copying the prompt's last row into x for the logits graph.
     */
    private TaskGraph prefillGraph(int l, DenseDeviceCache kv, LayerTensors t, FloatArray x, FloatArray promptX,
                                   DeviceWeights embedding, boolean tied, int rows) {
        int hidden = c.hiddenSize();
        int d = c.headDim();
        float eps = (float) c.rmsNormEps();
        float scale = (float) (1.0 / Math.sqrt(d));
        String layer = "layer" + l;
        TaskGraph g = new TaskGraph("prefill" + l);
        g.consumeFromDevice(layer, x, position);
        g.consumeFromDevice(layer, kv.arrays());
        g.consumeFromDevice(layer, t.arrays());
        if (l == 0) {
            g.consumeFromDevice(layer, embedding.array());
            g.consumeFromDevice("logits", x);
            g.transferToDevice(DataTransferMode.EVERY_EXECUTION, promptTokens);
        } else {
            g.consumeFromDevice(layer, promptX);
            g.consumeFromDevice("prefill" + (l - 1), x, position, promptX);
            if (tied) {
                g.consumeFromDevice(layer, embedding.array());
                g.consumeFromDevice("prefill" + (l - 1), embedding.array());
            }
        }
        IntArray start = IntArray.fromElements(0);
        g.transferToDevice(DataTransferMode.FIRST_EXECUTION, start);
        g.transferToDevice(DataTransferMode.EVERY_EXECUTION, promptLength);
        FloatArray xn = new FloatArray(rows * hidden);
        FloatArray q = new FloatArray(rows * c.qDim());
        FloatArray k = new FloatArray(rows * c.kvDim());
        FloatArray v = new FloatArray(rows * c.kvDim());
        FloatArray attn = new FloatArray(rows * c.qDim());
        FloatArray proj = new FloatArray(rows * hidden);
        FloatArray gate = new FloatArray(rows * c.intermediateSize());
        FloatArray up = new FloatArray(rows * c.intermediateSize());
        FloatArray rowMax = new FloatArray(c.numHeads() * rows);
        FloatArray rowSum = new FloatArray(c.numHeads() * rows);
        if (l == 0) {
            embedding.embed(g, "lookup", promptTokens, promptX, rows);
        }
        g.task("norm", LinearKernels::rmsNorm, promptX, t.inputNorm, xn, rows, hidden, eps);
        t.wq.matmul(g, "q", xn, q, rows);
        t.wk.matmul(g, "k", xn, k, rows);
        t.wv.matmul(g, "v", xn, v, rows);
        if (t.bq != null) {
            g.task("bq", LinearKernels::addBias, q, t.bq, rows, c.qDim());
            g.task("bk", LinearKernels::addBias, k, t.bk, rows, c.kvDim());
            g.task("bv", LinearKernels::addBias, v, t.bv, rows, c.kvDim());
        }
        g.task("ropeq", AttentionKernels::rope, q, t.freq, start, rows, c.numHeads(), d);
        g.task("ropek", AttentionKernels::rope, k, t.freq, start, rows, c.numKvHeads(), d);
        g.task("attention", AttentionKernels::prefillAttention, q, k, v, attn, rowMax, rowSum, rows, c.numHeads(),
                c.numKvHeads(), d, scale);
        if (snap == null) {
            kv.storePrompt(g, "store", k, v, promptLength, rows);
        } else {
            select(g, kv, q, k, v, rows);
        }
        t.wo.matmul(g, "o", attn, proj, rows);
        g.task("res1", LinearKernels::addInPlace, promptX, proj, rows * hidden);
        g.task("norm2", LinearKernels::rmsNorm, promptX, t.postNorm, xn, rows, hidden, eps);
        t.wGate.matmul(g, "gate", xn, gate, rows);
        t.wUp.matmul(g, "up", xn, up, rows);
        g.task("swiglu", LinearKernels::swiglu, gate, up, rows * c.intermediateSize());
        t.wDown.matmul(g, "down", gate, proj, rows);
        g.task("res2", LinearKernels::addInPlace, promptX, proj, rows * hidden);
        if (l == c.numLayers() - 1) {
            g.task("last", LinearKernels::copyLastRow, promptX, promptLength, x, hidden);
        }
        g.persistOnDevice(x, position, promptX);
        if (tied) {
            g.persistOnDevice(embedding.array());
        }
        return g;
    }

    /**
     * SnapKV's selection over the layer's prompt (q and k after RoPE), kept K/V into the cache: the
     * tasks of {@code SnapKvSelection.select} with candidates[0] = T - window, or 0 to keep all.
     */
    private void select(TaskGraph g, DenseDeviceCache kv, FloatArray q, FloatArray k, FloatArray v, int rows) {
        int heads = c.numHeads();
        int w = snap.window();
        FloatArray windowMax = new FloatArray(heads * w);
        FloatArray windowSum = new FloatArray(heads * w);
        FloatArray sums = new FloatArray(heads * rows);
        FloatArray reduced = new FloatArray(stored * rows);
        FloatArray pooled = new FloatArray(stored * rows);
        IntArray flags = new IntArray(stored * rows);
        IntArray positions = new IntArray(stored * rows);
        IntArray keptLength = new IntArray(stored);
        keptLengths.add(keptLength);
        keptRows.add(positions);
        g.transferToDevice(DataTransferMode.EVERY_EXECUTION, candidates);
        g.task("stats", SelectionKernels::windowRowStats, q, k, windowMax, windowSum, promptLength, w, heads,
                c.numKvHeads(), c.headDim());
        g.task("sums", SelectionKernels::windowColumnSums, q, k, windowMax, windowSum, sums, promptLength, candidates, w,
                rows, heads, c.numKvHeads(), c.headDim());
        g.task("gqa", SelectionKernels::gqaReduce, sums, reduced, heads, stored, rows, snap.aggregation());
        g.task("pool", SelectionKernels::pool, reduced, pooled, stored, candidates, rows, snap.width(), snap.maxPool());
        g.task("topk", SelectionKernels::topKFlags, pooled, flags, stored, candidates, rows, snap.count());
        g.task("compact", SelectionKernels::compactKept, flags, positions, keptLength, stored, candidates, promptLength, rows);
        kv.storeKept(g, "gather", k, v, positions, keptLength, rows);
        g.transferToHost(DataTransferMode.EVERY_EXECUTION, keptLength, positions);
    }

    /** Executes every graph once in an order where each follows a graph holding all it consumes. */
    private void wire() {
        token.set(0, 0);
        position.set(0, 0);
        promptLength.set(0, 1);
        candidates.set(0, 0);
        for (DeviceKvCache kv : caches) {
            kv.advance();
        }
        int n = caches.size();
        plan.withGraph(0).execute();
        for (int l = 0; l < n; l++) {
            plan.withGraph(1 + 2 * l).execute();
            plan.withGraph(2 + 2 * l).execute();
            plan.withGraph(prefillGraph(l)).execute();
        }
        plan.withGraph(logitsGraph()).execute();
    }

    private int logitsGraph() {
        return 1 + 2 * caches.size();
    }

    private int prefillGraph(int layer) {
        return 2 + 2 * caches.size() + layer;
    }

    /**
     * Whether a request with this storage, stored heads and entries per head fits this plan; with
     * SnapKV settings (non-null) it must also select as they say on the device.
     */
    boolean fits(KvStorage requested, int storedHeads, int entries, DeviceSnapKv selection) {
        return storage.equals(requested) && stored == storedHeads && entries <= capacity
                && (selection == null || selection.equals(snap));
    }

    /** Whether this plan can prefill on the device (a float32 cache). */
    boolean prefills() {
        return prefills;
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
        if (!prefills) {
            throw new IllegalStateException("this device plan has no prefill graphs (quantized cache)");
        }
        if (tokens.length == 0 || tokens.length > capacity) {
            throw new IllegalArgumentException("prompt of " + tokens.length + " tokens for a device cache of " + capacity);
        }
        for (int i = 0; i < tokens.length; i++) {
            if (tokens[i] < 0 || tokens[i] >= c.vocabSize()) {
                throw new IllegalArgumentException("token id " + tokens[i] + " is outside the vocabulary of " + c.vocabSize());
            }
        }
        int[] padded = Arrays.copyOf(tokens, promptTokens.getSize());
        for (int i = 0; i < padded.length; i++) {
            promptTokens.set(i, padded[i]);
        }
        promptLength.set(0, tokens.length);
        candidates.set(0, select ? snap.candidates(tokens.length) : 0);
        kept = new int[caches.size()][stored][];
        int rows = promptTokens.getSize();
        for (int l = 0; l < caches.size(); l++) {
            plan.withGraph(prefillGraph(l)).execute();
            int[] lengths = new int[stored];
            for (int s = 0; s < stored; s++) {
                lengths[s] = snap == null ? tokens.length : keptLengths.get(l).get(s);
                kept[l][s] = new int[lengths[s]];
                for (int i = 0; i < lengths[s]; i++) {
                    kept[l][s][i] = snap == null ? i : keptRows.get(l).get(s * rows + i);
                }
            }
            ((DenseDeviceCache) caches.get(l)).startWith(lengths);
        }
        plan.withGraph(logitsGraph()).execute();
        uploadPending = false;
        return logits.toHeapArray();
    }

    /** Prompt positions each layer's stored heads kept in the last device prefill: [layer][storedHead][]. */
    int[][][] keptPositions() {
        if (kept == null) {
            throw new IllegalStateException("no prefill on the device yet");
        }
        return kept;
    }

    float[] step(int id, int pos) {
        if (id < 0 || id >= c.vocabSize()) {
            throw new IllegalArgumentException("token id " + id + " is outside the vocabulary of " + c.vocabSize());
        }
        token.set(0, id);
        position.set(0, pos);
        for (DeviceKvCache kv : caches) {
            kv.advance();
        }
        plan.withGraph(0).execute();
        for (int l = 0; l < caches.size(); l++) {
            if (uploadPending) {
                plan.withGraph(1 + 2 * l).execute();
            }
            plan.withGraph(2 + 2 * l).execute();
        }
        plan.withGraph(logitsGraph()).execute();
        uploadPending = false;
        return logits.toHeapArray();
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
