package io.kvasir.tornado;

import io.kvasir.kernels.tornado.AttentionKernels;
import io.kvasir.kernels.tornado.LinearKernels;
import io.kvasir.kernels.tornado.SelectionKernels;
import io.kvasir.model.ModelConfig;
import java.util.ArrayList;
import java.util.List;
import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.enums.DataTransferMode;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/**
 * The prefill graphs of a {@link DevicePlan}, one per layer, over the padded prompt: batched
 * projections, RoPE from position 0, causal attention, and the prompt's K/V into the layer's cache,
 * whole or (with SnapKV settings) only the rows SnapKV keeps. Layer 0 starts with the embedding
 * lookup; the last layer ends by copying the prompt's last row into x for the logits graph.
 */
final class PrefillGraphs {
    private final ModelConfig c;
    private final PlanBuffers b;
    private final DeviceSnapKv snap;
    private final int stored;
    private final List<IntArray> keptLengths = new ArrayList<>();
    private final List<IntArray> keptRows = new ArrayList<>();

    /** @param snap SnapKV settings for the selection, or null to store whole prompts */
    PrefillGraphs(ModelConfig c, PlanBuffers buffers, DeviceSnapKv snap, int stored) {
        this.c = c;
        this.b = buffers;
        this.snap = snap;
        this.stored = stored;
    }

    /** The prefill graph of layer l; it consumes the cache and the weights from layer l's decode graph. */
    TaskGraph layer(int l, DenseDeviceCache kv, DeviceLayerWeights t) {
        int rows = b.rows;
        int hidden = c.hiddenSize();
        int d = c.headDim();
        float eps = (float) c.rmsNormEps();
        float scale = (float) (1.0 / Math.sqrt(d));
        String layer = GraphOrder.layer(l);
        TaskGraph g = new TaskGraph(GraphOrder.prefill(l));
        g.consumeFromDevice(layer, b.x, b.position);
        g.consumeFromDevice(layer, kv.arrays());
        g.consumeFromDevice(layer, t.arrays());
        if (l == 0) {
            g.consumeFromDevice(layer, b.embedding.array());
            g.consumeFromDevice(GraphOrder.LOGITS, b.x);
            g.transferToDevice(DataTransferMode.EVERY_EXECUTION, b.promptTokens);
        } else {
            String previous = GraphOrder.prefill(l - 1);
            g.consumeFromDevice(layer, b.promptX);
            g.consumeFromDevice(previous, b.x, b.position, b.promptX);
            if (b.tied) {
                g.consumeFromDevice(layer, b.embedding.array());
                g.consumeFromDevice(previous, b.embedding.array());
            }
        }
        IntArray start = IntArray.fromElements(0);
        g.transferToDevice(DataTransferMode.FIRST_EXECUTION, start);
        g.transferToDevice(DataTransferMode.EVERY_EXECUTION, b.promptLength);
        FloatArray promptX = b.promptX;
        FloatArray xn = new FloatArray(rows * hidden);
        FloatArray q = new FloatArray(rows * c.qDim());
        FloatArray k = new FloatArray(rows * c.kvDim());
        FloatArray v = new FloatArray(rows * c.kvDim());
        FloatArray attn = new FloatArray(rows * c.qDim());
        FloatArray proj = new FloatArray(rows * hidden);
        FloatArray gate = new FloatArray(rows * c.intermediateSize());
        FloatArray up = new FloatArray(rows * c.intermediateSize());
        if (l == 0) {
            b.embedding.embed(g, "lookup", b.promptTokens, promptX, rows);
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
        g.task("attention", AttentionKernels::prefillAttention, q, k, v, attn, rows, c.numHeads(),
                c.numKvHeads(), d, scale);
        if (snap == null) {
            kv.storePrompt(g, "store", k, v, b.promptLength, rows);
        } else {
            select(g, kv, q, k, v);
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
            g.task("last", LinearKernels::copyLastRow, promptX, b.promptLength, b.x, hidden);
        }
        g.persistOnDevice(b.x, b.position, promptX);
        if (b.tied) {
            g.persistOnDevice(b.embedding.array());
        }
        return g;
    }

    /**
     * SnapKV's selection over the layer's prompt (q and k after RoPE), kept K/V into the cache: the
     * tasks of {@code SnapKvSelection.select} with candidates[0] = T - window, or 0 to keep all. The
     * kept rows come back to the host.
     */
    private void select(TaskGraph g, DenseDeviceCache kv, FloatArray q, FloatArray k, FloatArray v) {
        int rows = b.rows;
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
        g.transferToDevice(DataTransferMode.EVERY_EXECUTION, b.candidates);
        g.task("stats", SelectionKernels::windowRowStats, q, k, windowMax, windowSum, b.promptLength, w, heads,
                c.numKvHeads(), c.headDim());
        g.task("sums", SelectionKernels::windowColumnSums, q, k, windowMax, windowSum, sums, b.promptLength, b.candidates,
                w, rows, heads, c.numKvHeads(), c.headDim());
        g.task("gqa", SelectionKernels::gqaReduce, sums, reduced, heads, stored, rows, snap.aggregation());
        g.task("pool", SelectionKernels::pool, reduced, pooled, stored, b.candidates, rows, snap.width(), snap.maxPool());
        g.task("topk", SelectionKernels::topKFlags, pooled, flags, stored, b.candidates, rows, snap.count());
        g.task("compact", SelectionKernels::compactKept, flags, positions, keptLength, stored, b.candidates,
                b.promptLength, rows);
        kv.storeKept(g, "gather", k, v, positions, keptLength, rows);
        g.transferToHost(DataTransferMode.EVERY_EXECUTION, keptLength, positions);
    }

    /**
     * Prompt positions layer l's stored heads hold after its prefill graph ran on a prompt of this
     * length: [storedHead][], every position without SnapKV settings, else the rows the device kept.
     */
    int[][] kept(int l, int promptLength) {
        int[][] kept = new int[stored][];
        for (int s = 0; s < stored; s++) {
            int length = snap == null ? promptLength : keptLengths.get(l).get(s);
            kept[s] = new int[length];
            for (int i = 0; i < length; i++) {
                kept[s][i] = snap == null ? i : keptRows.get(l).get(s * b.rows + i);
            }
        }
        return kept;
    }
}
