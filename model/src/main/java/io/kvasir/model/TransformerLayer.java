package io.kvasir.model;

import io.kvasir.kernels.Parallel;
import io.kvasir.kernels.Rope;
import io.kvasir.kernels.VectorMath;
import io.kvasir.kernels.WeightMatrix;

/**
 * One Llama-family decoder layer, its steps written once for every row of a {@link ForwardState}:
 * prefill runs them over the whole prompt, decode over one token. Only the attention differs
 * between the two (causal attention over the prompt feeding the compression policy, or attention
 * over the cache), so the pass supplies it.
 */
final class TransformerLayer {
    /** How a layer's queries meet keys and values; writes {@code s.attn} from q, k and v. */
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

    /** x = x + attention(norm(x)); x = x + mlp(norm(x)), for every row of s. */
    void forward(ForwardState s, Attention attention) {
        normalize(s, w.inputNorm());
        project(s, w.wq(), w.bq(), s.xn, s.rows, s.q);
        project(s, w.wk(), w.bk(), s.xn, s.rows, s.k);
        project(s, w.wv(), w.bv(), s.xn, s.rows, s.v);
        rotate(s);
        attention.attend(index, s);
        project(s, w.wo(), null, s.attn, s.rows, s.proj);
        addResidual(s);
        normalize(s, w.postAttentionNorm());
        mlp(s);
        addResidual(s);
    }

    /** RMSNorm of every row of x into xn. */
    private void normalize(ForwardState s, float[] weight) {
        int hidden = config.hiddenSize();
        float eps = (float) config.rmsNormEps();
        Parallel.forRange(s.rows, 16, (from, to) -> {
            for (int t = from; t < to; t++) {
                VectorMath.rmsNorm(s.x, t * hidden, weight, eps, s.xn, t * hidden, hidden);
            }
        });
    }

    /** RoPE on the queries and keys of every row, at that row's position. */
    private void rotate(ForwardState s) {
        for (int t = 0; t < s.rows; t++) {
            rope.rotate(s.q, t * config.qDim(), config.numHeads(), s.cos[t], s.sin[t]);
            rope.rotate(s.k, t * config.kvDim(), config.numKvHeads(), s.cos[t], s.sin[t]);
        }
    }

    /** SwiGLU MLP of xn into proj: down(silu(gate(xn)) * up(xn)), in chunks of s.mlpRows rows. */
    private void mlp(ForwardState s) {
        int hidden = config.hiddenSize();
        int inter = config.intermediateSize();
        boolean chunked = s.chunkIn != null;
        for (int t0 = 0; t0 < s.rows; t0 += s.mlpRows) {
            int m = Math.min(s.mlpRows, s.rows - t0);
            float[] in = chunked ? s.chunkIn : s.xn;
            float[] out = chunked ? s.chunkOut : s.proj;
            if (chunked) {
                System.arraycopy(s.xn, t0 * hidden, in, 0, m * hidden);
            }
            project(s, w.wGate(), null, in, m, s.gate);
            project(s, w.wUp(), null, in, m, s.up);
            VectorMath.swiglu(s.gate, s.up, m * inter);
            project(s, w.wDown(), null, s.gate, m, out);
            if (chunked) {
                System.arraycopy(out, 0, s.proj, t0 * hidden, m * hidden);
            }
        }
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

    private static void addResidual(ForwardState s) {
        for (int i = 0; i < s.x.length; i++) {
            s.x[i] += s.proj[i];
        }
    }
}
