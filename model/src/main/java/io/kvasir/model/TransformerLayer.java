package io.kvasir.model;

import io.kvasir.kernels.Parallel;
import io.kvasir.kernels.Rope;
import io.kvasir.kernels.VectorMath;
import io.kvasir.kernels.WeightMatrix;

/**
 * One Llama-family decoder layer, its steps written once for every row of a {@link ForwardState}:
 * prefill runs them over the prompt one chunk of query rows at a time, decode over one token. Only
 * the attention differs between the two (causal attention over the prompt's keys so far, or
 * attention over the cache), so the pass supplies it.
 *
 * <p>Chunking changes no result: every step but the attention is per row, and a chunk's keys and
 * values are computed (from x before the chunk's residual updates) ahead of its attention, which
 * sees them and all earlier rows' K/V, as causal attention over the whole prompt would.
 */
final class TransformerLayer {
    /**
     * How the current chunk's queries meet keys and values: writes the chunk's rows of
     * {@code s.attn} from {@code s.q}, {@code s.kChunk} and {@code s.vChunk} (and whatever K/V the
     * attention keeps from earlier chunks or tokens).
     */
    @FunctionalInterface
    interface Attention {
        void attend(int layer, ForwardState s);
    }

    private final int index;
    private final LayerWeights w;
    private final ModelConfig config;
    private final Rope rope;

    TransformerLayer(int index, LayerWeights w, ModelConfig config, Rope rope) {
        this.index = index;
        this.w = w;
        this.config = config;
        this.rope = rope;
    }

    int index() {
        return index;
    }

    /** x = x + attention(norm(x)); x = x + mlp(norm(x)), for every token row of s, chunk by chunk. */
    void forward(ForwardState s, Attention attention) {
        for (int start = 0; start < s.tokens; start += s.rows) {
            int m = Math.min(s.rows, s.tokens - start);
            s.chunk(rope, start, m);
            normalize(s, w.inputNorm());
            project(s, w.wq(), w.bq(), s.xn, m, s.q);
            project(s, w.wk(), w.bk(), s.xn, m, s.kChunk);
            project(s, w.wv(), w.bv(), s.xn, m, s.vChunk);
            rotate(s);
            s.keepChunkKv(config.kvDim());
            attention.attend(index, s);
            project(s, w.wo(), null, s.attn, m, s.proj);
            addResidual(s);
            normalize(s, w.postAttentionNorm());
            mlp(s);
            addResidual(s);
        }
    }

    /** RMSNorm of the chunk's rows of x into xn. */
    private void normalize(ForwardState s, float[] weight) {
        int hidden = config.hiddenSize();
        float eps = (float) config.rmsNormEps();
        int first = s.chunkStart;
        Parallel.forRange(s.chunkRows, 16, (from, to) -> {
            for (int i = from; i < to; i++) {
                VectorMath.rmsNorm(s.x, (first + i) * hidden, weight, eps, s.xn, i * hidden, hidden);
            }
        });
    }

    /** RoPE on the chunk's queries and keys, each row at its position. */
    private void rotate(ForwardState s) {
        for (int i = 0; i < s.chunkRows; i++) {
            rope.rotate(s.q, i * config.qDim(), config.numHeads(), s.cos[i], s.sin[i]);
            rope.rotate(s.kChunk, i * config.kvDim(), config.numKvHeads(), s.cos[i], s.sin[i]);
        }
    }

    /** SwiGLU MLP of the chunk's xn into proj: down(silu(gate(xn)) * up(xn)). */
    private void mlp(ForwardState s) {
        int m = s.chunkRows;
        project(s, w.wGate(), null, s.xn, m, s.gate);
        project(s, w.wUp(), null, s.xn, m, s.up);
        VectorMath.swiglu(s.gate, s.up, m * config.intermediateSize());
        project(s, w.wDown(), null, s.gate, m, s.proj);
    }

    /** out = in . m^T (+ bias) for the given rows: one batched matmul, or a matvec in decode. */
    private static void project(ForwardState s, WeightMatrix m, float[] bias, float[] in, int rows, float[] out) {
        if (s.batched) {
            m.matmul(in, rows, out);
        } else {
            m.matvec(in, out);
        }
        if (bias != null) {
            for (int t = 0; t < rows; t++) {
                for (int i = 0; i < bias.length; i++) {
                    out[t * bias.length + i] += bias[i];
                }
            }
        }
    }

    /** The chunk's rows of x += proj. */
    private void addResidual(ForwardState s) {
        int off = s.chunkStart * config.hiddenSize();
        int n = s.chunkRows * config.hiddenSize();
        for (int i = 0; i < n; i++) {
            s.x[off + i] += s.proj[i];
        }
    }
}
