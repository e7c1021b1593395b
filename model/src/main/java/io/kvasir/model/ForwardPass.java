package io.kvasir.model;

import io.kvasir.compression.CompressionPolicy;
import io.kvasir.compression.HeadStore;
import io.kvasir.compression.KvCache;
import io.kvasir.compression.KvLayout;
import io.kvasir.compression.LayerPrefill;
import io.kvasir.kernels.Parallel;
import io.kvasir.kernels.Rope;
import io.kvasir.kernels.VectorMath;
import io.kvasir.kernels.WeightMatrix;
import java.util.Arrays;

/**
 * The Llama-family decoder (Llama, Mistral, Qwen2) on the CPU backend, in float32 over weights kept
 * in their file dtype.
 *
 * <p>Prefill is layer-major: the whole prompt goes through layer 0, then layer 1, and so on, with
 * every projection a batched matmul over the prompt tokens. At the end of each layer the
 * compression policy sees that layer's complete K/V and chooses what the cache keeps, so only one
 * layer's uncompressed K/V exists at a time. Decode runs one token through all layers against the
 * (possibly compressed) cache.
 */
public final class ForwardPass implements ForwardBackend {
    /** Tokens per MLP chunk in prefill: bounds the [tokens x intermediate] buffers. */
    private static final int MLP_CHUNK = 256;

    private final ModelConfig config;
    private final ModelWeights weights;
    private final Rope rope;
    private final ResidualWatch watch;

    public ForwardPass(ModelConfig config, ModelWeights weights) {
        this(config, weights, ResidualWatch.NONE);
    }

    /** A forward pass that shows the residual stream to watch after every layer (for diagnosis). */
    ForwardPass(ModelConfig config, ModelWeights weights, ResidualWatch watch) {
        this.config = config;
        this.weights = weights;
        this.rope = new Rope(config.headDim(), config.ropeTheta(), config.ropeScaling());
        this.watch = watch;
    }

    public ModelConfig config() {
        return config;
    }

    /**
     * Runs the prompt through every layer, fills the cache through the policy and returns the logits
     * of the last prompt position.
     */
    @Override
    public float[] prefill(int[] tokens, KvCache cache, CompressionPolicy policy) {
        int n = tokens.length;
        if (n == 0) {
            throw new IllegalArgumentException("the prompt is empty (0 tokens)");
        }
        ModelConfig c = config;
        int hidden = c.hiddenSize();
        float[] x = new float[n * hidden];
        for (int t = 0; t < n; t++) {
            checkToken(tokens[t]);
            weights.embedding().readRow(tokens[t], x, t * hidden);
        }
        float[] xn = new float[n * hidden];
        float[] q = new float[n * c.qDim()];
        float[] attn = new float[n * c.qDim()];
        float[] proj = new float[n * hidden];
        float[][] cos = new float[n][c.headDim() / 2];
        float[][] sin = new float[n][c.headDim() / 2];
        for (int t = 0; t < n; t++) {
            rope.angles(t, cos[t], sin[t]);
        }
        KvLayout layout = cache.layout();
        for (int l = 0; l < c.numLayers(); l++) {
            LayerWeights w = weights.layers().get(l);
            rmsNormRows(x, w.inputNorm(), xn, n);
            float[] k = new float[n * c.kvDim()];
            float[] v = new float[n * c.kvDim()];
            project(w.wq(), w.bq(), xn, n, q);
            project(w.wk(), w.bk(), xn, n, k);
            project(w.wv(), w.bv(), xn, n, v);
            for (int t = 0; t < n; t++) {
                rope.rotate(q, t * c.qDim(), c.numHeads(), cos[t], sin[t]);
                rope.rotate(k, t * c.kvDim(), c.numKvHeads(), cos[t], sin[t]);
            }
            float[] mass = policy.needsAttentionMass() ? new float[c.numHeads() * n] : null;
            PrefillAttention.run(q, k, v, n, c.numHeads(), c.numKvHeads(), c.headDim(), attn, mass);
            int[][] kept = policy.select(new LayerPrefill(l, layout, n, k, v, q, mass));
            cache.storePrefill(l, k, v, n, kept);
            w.wo().matmul(attn, n, proj);
            addInPlace(x, proj);
            rmsNormRows(x, w.postAttentionNorm(), xn, n);
            mlpPrefill(w, xn, n, proj);
            addInPlace(x, proj);
            watch.afterLayer(l, x);
        }
        float[] last = Arrays.copyOfRange(x, (n - 1) * hidden, n * hidden);
        return logits(last);
    }

    /** Runs one token at the given absolute position against the cache; returns its logits. */
    @Override
    public float[] decode(int token, int position, KvCache cache) {
        checkToken(token);
        ModelConfig c = config;
        int hidden = c.hiddenSize();
        float[] x = new float[hidden];
        weights.embedding().readRow(token, x, 0);
        float[] xn = new float[hidden];
        float[] q = new float[c.qDim()];
        float[] k = new float[c.kvDim()];
        float[] v = new float[c.kvDim()];
        float[] attn = new float[c.qDim()];
        float[] proj = new float[hidden];
        float[] gate = new float[c.intermediateSize()];
        float[] up = new float[c.intermediateSize()];
        float[] cos = new float[c.headDim() / 2];
        float[] sin = new float[c.headDim() / 2];
        rope.angles(position, cos, sin);
        KvLayout layout = cache.layout();
        float scale = (float) (1.0 / Math.sqrt(c.headDim()));
        for (int l = 0; l < c.numLayers(); l++) {
            LayerWeights w = weights.layers().get(l);
            VectorMath.rmsNorm(x, 0, w.inputNorm(), (float) c.rmsNormEps(), xn, 0, hidden);
            matvec(w.wq(), w.bq(), xn, q);
            matvec(w.wk(), w.bk(), xn, k);
            matvec(w.wv(), w.bv(), xn, v);
            rope.rotate(q, 0, c.numHeads(), cos, sin);
            rope.rotate(k, 0, c.numKvHeads(), cos, sin);
            cache.append(l, position, k, v);
            int layer = l;
            Parallel.forEach(c.numHeads(), h -> {
                HeadStore store = cache.head(layer, layout.storedHeadFor(h));
                float[] scores = new float[store.length()];
                store.scores(q, h * c.headDim(), scale, scores);
                VectorMath.softmax(scores, 0, scores.length);
                Arrays.fill(attn, h * c.headDim(), (h + 1) * c.headDim(), 0f);
                store.accumulateValues(scores, attn, h * c.headDim());
            });
            w.wo().matvec(attn, proj);
            addInPlace(x, proj);
            VectorMath.rmsNorm(x, 0, w.postAttentionNorm(), (float) c.rmsNormEps(), xn, 0, hidden);
            w.wGate().matvec(xn, gate);
            w.wUp().matvec(xn, up);
            VectorMath.swiglu(gate, up, gate.length);
            w.wDown().matvec(gate, proj);
            addInPlace(x, proj);
            watch.afterLayer(l, x);
        }
        return logits(x);
    }

    private void checkToken(int token) {
        if (token < 0 || token >= config.vocabSize()) {
            throw new IllegalArgumentException("token id " + token + " is outside the vocabulary of " + config.vocabSize());
        }
    }

    private float[] logits(float[] x) {
        float[] xn = new float[x.length];
        VectorMath.rmsNorm(x, 0, weights.finalNorm(), (float) config.rmsNormEps(), xn, 0, x.length);
        float[] logits = new float[config.vocabSize()];
        weights.lmHead().matvec(xn, logits);
        return logits;
    }

    private void mlpPrefill(LayerWeights w, float[] xn, int n, float[] out) {
        int hidden = config.hiddenSize();
        int inter = config.intermediateSize();
        int chunk = Math.min(n, MLP_CHUNK);
        float[] gate = new float[chunk * inter];
        float[] up = new float[chunk * inter];
        float[] xc = new float[chunk * hidden];
        float[] oc = new float[chunk * hidden];
        for (int t0 = 0; t0 < n; t0 += chunk) {
            int m = Math.min(chunk, n - t0);
            System.arraycopy(xn, t0 * hidden, xc, 0, m * hidden);
            w.wGate().matmul(xc, m, gate);
            w.wUp().matmul(xc, m, up);
            VectorMath.swiglu(gate, up, m * inter);
            w.wDown().matmul(gate, m, oc);
            System.arraycopy(oc, 0, out, t0 * hidden, m * hidden);
        }
    }

    private void rmsNormRows(float[] x, float[] weight, float[] out, int n) {
        int hidden = config.hiddenSize();
        float eps = (float) config.rmsNormEps();
        Parallel.forRange(n, 16, (from, to) -> {
            for (int t = from; t < to; t++) {
                VectorMath.rmsNorm(x, t * hidden, weight, eps, out, t * hidden, hidden);
            }
        });
    }

    private static void project(WeightMatrix m, float[] bias, float[] x, int n, float[] out) {
        m.matmul(x, n, out);
        if (bias != null) {
            for (int t = 0; t < n; t++) {
                for (int i = 0; i < bias.length; i++) {
                    out[t * bias.length + i] += bias[i];
                }
            }
        }
    }

    private static void matvec(WeightMatrix m, float[] bias, float[] x, float[] out) {
        m.matvec(x, out);
        if (bias != null) {
            for (int i = 0; i < bias.length; i++) {
                out[i] += bias[i];
            }
        }
    }

    private static void addInPlace(float[] x, float[] y) {
        for (int i = 0; i < x.length; i++) {
            x[i] += y[i];
        }
    }
}
