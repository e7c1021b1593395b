package io.kvasir.tornado;

import io.kvasir.compression.KvCache;
import io.kvasir.compression.KvStorage;
import io.kvasir.model.LayerWeights;
import io.kvasir.model.ModelConfig;
import io.kvasir.model.ModelWeights;
import java.util.ArrayList;
import java.util.List;
import uk.ac.manchester.tornado.api.ImmutableTaskGraph;
import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.TornadoExecutionPlan;
import uk.ac.manchester.tornado.api.enums.DataTransferMode;
import uk.ac.manchester.tornado.api.exceptions.TornadoExecutionPlanException;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/**
 * Decode on the device: one {@link TornadoExecutionPlan} holding an embedding graph, per layer a
 * cache-upload graph and a layer graph, and a logits graph. Weights are uploaded on each graph's first
 * execution and stay; the plan lives as long as its {@link TornadoForward}, so later requests reuse
 * them. A decode step runs embedding, the layer graphs and logits; the activation x and the position
 * pass from graph to graph on the device (persistOnDevice / consumeFromDevice), the per-step ints
 * (token, position, each layer's cache slots) go in small int arrays, and only the logits come back.
 *
 * <p>Why a separate upload graph per layer: TornadoVM hands a persisted buffer only from the graph
 * executed just before (it looks up the last executed graph by name), and a FIRST_EXECUTION array is
 * never uploaded again. So layer l's cache arrays belong to graph "kv l", which uploads them on every
 * execution and passes x and the position through; it runs, between layer l - 1 and layer l, only on
 * the first step of a request. The layer graph consumes the cache from it, which makes both graphs
 * share one device buffer: a new request's upload lands in the buffer the layer graph appends to.
 */
final class DevicePlan implements AutoCloseable {
    private final ModelConfig c;
    private final KvStorage storage;
    private final int stored;
    private final int capacity;
    private final IntArray token = new IntArray(1);
    private final IntArray position = new IntArray(1);
    private final List<DeviceKvCache> caches = new ArrayList<>();
    private final FloatArray logits;
    private final TornadoExecutionPlan plan;
    private boolean uploadPending;

    /**
     * @param entries entries each stored head must hold (kept prompt plus new tokens)
     */
    DevicePlan(ModelConfig c, ModelWeights weights, float[] invFreq, KvStorage storage, int stored, int entries) {
        this.c = c;
        this.storage = storage;
        this.stored = stored;
        int d = c.headDim();
        for (int l = 0; l < c.numLayers(); l++) {
            caches.add(DeviceKvCache.create(storage, l, stored, c.numKvHeads(), c.numHeads(), d, entries));
        }
        this.capacity = caches.stream().mapToInt(DeviceKvCache::capacity).min().orElseThrow();
        int scoreCapacity = caches.stream().mapToInt(DeviceKvCache::capacity).max().orElseThrow();
        int hidden = c.hiddenSize();
        float eps = (float) c.rmsNormEps();
        float scale = (float) (1.0 / Math.sqrt(d));
        FloatArray x = new FloatArray(hidden);
        logits = new FloatArray(c.vocabSize());
        List<TaskGraph> graphs = new ArrayList<>();

        TaskGraph embed = new TaskGraph("embed");
        DeviceWeights embedding = DeviceWeights.of(weights.embedding());
        embedding.upload(embed);
        embed.transferToDevice(DataTransferMode.EVERY_EXECUTION, token, position);
        embedding.embed(embed, "lookup", token, x);
        embed.persistOnDevice(x, position);
        graphs.add(embed);

        String previous = "embed";
        for (int l = 0; l < c.numLayers(); l++) {
            LayerWeights w = weights.layers().get(l);
            DeviceKvCache kv = caches.get(l);
            String upload = "kv" + l;
            TaskGraph u = new TaskGraph(upload);
            u.consumeFromDevice(previous, x, position);
            u.transferToDevice(DataTransferMode.EVERY_EXECUTION, kv.arrays());
            kv.keep(u, "keep", x);
            u.persistOnDevice(x, position);
            u.persistOnDevice(kv.arrays());
            graphs.add(u);

            String name = "layer" + l;
            TaskGraph g = new TaskGraph(name);
            g.consumeFromDevice(previous, x, position);
            g.consumeFromDevice(upload, x, position);
            g.consumeFromDevice(upload, kv.arrays());
            FloatArray freq = FloatArray.fromArray(invFreq);
            FloatArray inputNorm = FloatArray.fromArray(w.inputNorm());
            FloatArray postNorm = FloatArray.fromArray(w.postAttentionNorm());
            g.transferToDevice(DataTransferMode.FIRST_EXECUTION, freq, inputNorm, postNorm);
            DeviceWeights wq = DeviceWeights.of(w.wq());
            DeviceWeights wk = DeviceWeights.of(w.wk());
            DeviceWeights wv = DeviceWeights.of(w.wv());
            DeviceWeights wo = DeviceWeights.of(w.wo());
            DeviceWeights wGate = DeviceWeights.of(w.wGate());
            DeviceWeights wUp = DeviceWeights.of(w.wUp());
            DeviceWeights wDown = DeviceWeights.of(w.wDown());
            for (DeviceWeights m : List.of(wq, wk, wv, wo, wGate, wUp, wDown)) {
                m.upload(g);
            }
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
            g.task("norm", LinearKernels::rmsNorm, x, inputNorm, xn, 1, hidden, eps);
            wq.matvec(g, "q", xn, q);
            wk.matvec(g, "k", xn, k);
            wv.matvec(g, "v", xn, v);
            if (w.bq() != null) {
                FloatArray bq = FloatArray.fromArray(w.bq());
                FloatArray bk = FloatArray.fromArray(w.bk());
                FloatArray bv = FloatArray.fromArray(w.bv());
                g.transferToDevice(DataTransferMode.FIRST_EXECUTION, bq, bk, bv);
                g.task("bq", LinearKernels::addBias, q, bq, 1, c.qDim());
                g.task("bk", LinearKernels::addBias, k, bk, 1, c.kvDim());
                g.task("bv", LinearKernels::addBias, v, bv, 1, c.kvDim());
            }
            g.task("ropeq", AttentionKernels::rope, q, freq, position, 1, c.numHeads(), d);
            g.task("ropek", AttentionKernels::rope, k, freq, position, 1, c.numKvHeads(), d);
            kv.attend(g, "", q, k, v, scores, attn, scale);
            wo.matvec(g, "o", attn, proj);
            g.task("res1", LinearKernels::addInPlace, x, proj, hidden);
            g.task("norm2", LinearKernels::rmsNorm, x, postNorm, xn, 1, hidden, eps);
            wGate.matvec(g, "gate", xn, gate);
            wUp.matvec(g, "up", xn, up);
            g.task("swiglu", LinearKernels::swiglu, gate, up, c.intermediateSize());
            wDown.matvec(g, "down", gate, proj);
            g.task("res2", LinearKernels::addInPlace, x, proj, hidden);
            g.persistOnDevice(x, position);
            graphs.add(g);
            previous = name;
        }

        TaskGraph out = new TaskGraph("logits");
        out.consumeFromDevice(previous, x);
        FloatArray finalNorm = FloatArray.fromArray(weights.finalNorm());
        out.transferToDevice(DataTransferMode.FIRST_EXECUTION, finalNorm);
        FloatArray xn = new FloatArray(hidden);
        out.task("norm", LinearKernels::rmsNorm, x, finalNorm, xn, 1, hidden, eps);
        // A tied lm head is uploaded a second time: a buffer passes only from the graph executed just before.
        DeviceWeights lmHead = DeviceWeights.of(weights.lmHead());
        lmHead.upload(out);
        lmHead.matvec(out, "lmhead", xn, logits);
        out.transferToHost(DataTransferMode.EVERY_EXECUTION, logits);
        graphs.add(out);

        plan = new TornadoExecutionPlan(graphs.stream().map(TaskGraph::snapshot).toArray(ImmutableTaskGraph[]::new));
    }

    /** Whether a request with this storage, stored heads and entries per head fits this plan. */
    boolean fits(KvStorage requested, int storedHeads, int entries) {
        return storage.equals(requested) && stored == storedHeads && entries <= capacity;
    }

    /** Takes a new request's cache as prefill left it; the next step uploads it. */
    void load(KvCache cache) {
        for (int l = 0; l < caches.size(); l++) {
            caches.get(l).fill(cache, l);
        }
        uploadPending = true;
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
        plan.withGraph(1 + 2 * caches.size()).execute();
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
