package io.kvasir.tornado;

import io.kvasir.kernels.tornado.AttentionKernels;
import io.kvasir.kernels.tornado.LinearKernels;
import io.kvasir.model.ModelConfig;
import io.kvasir.model.ModelWeights;
import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.enums.DataTransferMode;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;

/**
 * The decode graphs of a {@link DevicePlan}: the embedding lookup of one token, per layer the graph
 * that uploads a CPU-prefilled cache and the layer itself, and the logits. The consume and persist
 * declarations follow the buffer hand-over rules in {@link DevicePlan}'s comment.
 */
final class DecodeGraphs {
    private final ModelConfig c;
    private final PlanBuffers b;

    DecodeGraphs(ModelConfig c, PlanBuffers buffers) {
        this.c = c;
        this.b = buffers;
    }

    /** The embedding row of {@code token} into x; the table is uploaded here, once. */
    TaskGraph embed() {
        TaskGraph g = new TaskGraph(GraphOrder.EMBED);
        b.embedding.upload(g);
        g.transferToDevice(DataTransferMode.EVERY_EXECUTION, b.token, b.position);
        b.embedding.embed(g, "lookup", b.token, b.x, 1);
        g.persistOnDevice(b.x, b.position, b.embedding.array());
        return g;
    }

    /**
     * Uploads layer l's cache (the host's prefill result) on every execution and hands it, with x and
     * what the layer graphs carry, to layer l; it runs only on the first step after a CPU prefill.
     */
    TaskGraph cacheUpload(int l, DeviceKvCache kv) {
        String previous = GraphOrder.before(l);
        Object[] carried = b.carried(l);
        TaskGraph g = new TaskGraph(GraphOrder.upload(l));
        g.consumeFromDevice(previous, b.x, b.position);
        if (b.tied) {
            g.consumeFromDevice(previous, b.embedding.array());
        }
        if (b.prefills) {
            // Layer 0's upload follows the embedding graph; the others follow a prefill graph in the wiring run.
            String wiredFrom = l == 0 ? previous : GraphOrder.prefill(l - 1);
            g.consumeFromDevice(wiredFrom, b.x, b.position);
            g.consumeFromDevice(wiredFrom, carried);
        }
        g.transferToDevice(DataTransferMode.EVERY_EXECUTION, kv.arrays());
        kv.keep(g, "keep", b.x);
        g.persistOnDevice(b.x, b.position);
        g.persistOnDevice(carried);
        g.persistOnDevice(kv.arrays());
        return g;
    }

    /**
     * Layer l for one token: x += attention(norm(x)), x += mlp(norm(x)), this step's K/V appended to
     * the layer's cache. Weights are uploaded on the first execution; scores has room for the longest
     * cache of the plan.
     */
    TaskGraph layer(int l, DeviceKvCache kv, DeviceLayerWeights t, int scoreCapacity) {
        String previous = GraphOrder.before(l);
        String upload = GraphOrder.upload(l);
        Object[] carried = b.carried(l);
        int hidden = c.hiddenSize();
        int d = c.headDim();
        float eps = (float) c.rmsNormEps();
        TaskGraph g = new TaskGraph(GraphOrder.layer(l));
        g.consumeFromDevice(previous, b.x, b.position);
        if (b.tied) {
            g.consumeFromDevice(previous, b.embedding.array());
        }
        g.consumeFromDevice(upload, b.x, b.position);
        g.consumeFromDevice(upload, carried);
        g.consumeFromDevice(upload, kv.arrays());
        g.transferToDevice(DataTransferMode.FIRST_EXECUTION, t.arrays());
        g.transferToDevice(DataTransferMode.EVERY_EXECUTION, kv.stepInts());
        FloatArray x = b.x;
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
        g.task("ropeq", AttentionKernels::rope, q, t.freq, b.position, 1, c.numHeads(), d);
        g.task("ropek", AttentionKernels::rope, k, t.freq, b.position, 1, c.numKvHeads(), d);
        kv.attend(g, "", q, k, v, scores, attn, (float) (1.0 / Math.sqrt(d)));
        t.wo.matvec(g, "o", attn, proj);
        g.task("res1", LinearKernels::addInPlace, x, proj, hidden);
        g.task("norm2", LinearKernels::rmsNorm, x, t.postNorm, xn, 1, hidden, eps);
        t.wGate.matvec(g, "gate", xn, gate);
        t.wUp.matvec(g, "up", xn, up);
        g.task("swiglu", LinearKernels::swiglu, gate, up, c.intermediateSize());
        t.wDown.matvec(g, "down", gate, proj);
        g.task("res2", LinearKernels::addInPlace, x, proj, hidden);
        g.persistOnDevice(x, b.position);
        g.persistOnDevice(carried);
        if (b.prefills) {
            // The layer's prefill graph consumes the cache and the weights from this graph.
            g.persistOnDevice(kv.arrays());
            g.persistOnDevice(t.arrays());
        }
        return g;
    }

    /**
     * Final norm and lm head over x (after the last decode layer, or the prompt's last row after the
     * last prefill graph); the logits go to the host on every execution.
     */
    TaskGraph logits(ModelWeights weights) {
        int hidden = c.hiddenSize();
        String previous = GraphOrder.layer(c.numLayers() - 1);
        String lastPrefill = GraphOrder.prefill(c.numLayers() - 1);
        TaskGraph g = new TaskGraph(GraphOrder.LOGITS);
        g.consumeFromDevice(previous, b.x);
        if (b.tied) {
            g.consumeFromDevice(previous, b.embedding.array());
        }
        if (b.prefills) {
            g.consumeFromDevice(lastPrefill, b.x);
            if (b.tied) {
                g.consumeFromDevice(lastPrefill, b.embedding.array());
            }
        }
        FloatArray finalNorm = FloatArray.fromArray(weights.finalNorm());
        g.transferToDevice(DataTransferMode.FIRST_EXECUTION, finalNorm);
        FloatArray xn = new FloatArray(hidden);
        g.task("norm", LinearKernels::rmsNorm, b.x, finalNorm, xn, 1, hidden, (float) c.rmsNormEps());
        DeviceWeights lmHead = b.tied ? b.embedding : DeviceWeights.of(weights.lmHead());
        if (!b.tied) {
            lmHead.upload(g);
        }
        lmHead.matvec(g, "lmhead", xn, b.logits);
        g.transferToHost(DataTransferMode.EVERY_EXECUTION, b.logits);
        return g;
    }
}
