package io.kvasir.model;

import io.kvasir.compression.cache.HeadStore;
import io.kvasir.compression.cache.KvCache;
import io.kvasir.compression.policy.CompressionPolicy;
import io.kvasir.compression.policy.KvLayout;
import io.kvasir.compression.policy.LayerPrefill;
import io.kvasir.kernels.Parallel;
import io.kvasir.kernels.Rope;
import io.kvasir.kernels.VectorMath;
import java.util.Arrays;
import java.util.List;

/**
 * The Llama-family decoder (Llama, Mistral, Qwen2) on the CPU backend, in float32 over weights kept
 * in their file dtype.
 *
 * <p>Prefill is layer-major: the whole prompt goes through layer 0, then layer 1, and so on, with
 * every projection a batched matmul over the prompt tokens. At the end of each layer's attention
 * the compression policy sees that layer's complete K/V and chooses what the cache keeps, so only
 * one layer's uncompressed K/V exists at a time. Decode runs one token through all layers against
 * the (possibly compressed) cache. Both run the same {@link TransformerLayer} steps; decode's
 * buffers are one {@link ForwardState} per thread, allocated once, so a decoded token allocates
 * nothing but the small tasks that spread work over the cores. The logits decode returns are that
 * state's buffer: valid until the thread's next decode.
 */
public final class ForwardPass implements ForwardBackend {
    private final ModelConfig config;
    private final ModelWeights weights;
    private final Rope rope;
    private final List<TransformerLayer> layers;
    /** Decode scratch, per thread: nothing in it outlives a token, so one serves every sequence. */
    private final ThreadLocal<ForwardState> decodeState;
    private final ResidualWatch watch;

    public ForwardPass(ModelConfig config, ModelWeights weights) {
        this(config, weights, ResidualWatch.NONE);
    }

    /** A forward pass that shows the residual stream to watch after every layer (for diagnosis). */
    ForwardPass(ModelConfig config, ModelWeights weights, ResidualWatch watch) {
        this.config = config;
        this.weights = weights;
        this.rope = new Rope(config.headDim(), config.ropeTheta(), config.ropeScaling());
        TransformerLayer[] built = new TransformerLayer[config.numLayers()];
        for (int l = 0; l < built.length; l++) {
            built[l] = new TransformerLayer(l, weights.layers().get(l), config, rope);
        }
        this.layers = List.of(built);
        this.decodeState = ThreadLocal.withInitial(() -> ForwardState.decode(config));
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
        ForwardState s = ForwardState.prompt(config, n);
        for (int t = 0; t < n; t++) {
            embed(tokens[t], s, t);
        }
        s.positions(rope, 0);
        KvLayout layout = cache.layout();
        TransformerLayer.Attention attention = (layer, st) -> {
            float[] mass = policy.needsAttentionMass() ? new float[config.numHeads() * n] : null;
            PrefillAttention.run(st.q, st.k, st.v, n, config.numHeads(), config.numKvHeads(), config.headDim(), st.attn, mass);
            int[][] kept = policy.selectInCacheOrder(new LayerPrefill(layer, layout, n, st.k, st.v, st.q, mass));
            cache.storePrefill(layer, st.k, st.v, n, kept);
        };
        for (TransformerLayer layer : layers) {
            s.freshKv();
            layer.forward(s, attention);
            watch.afterLayer(layer.index(), s.x);
        }
        return logits(s);
    }

    /**
     * Runs one token at the given absolute position against the cache; returns its logits, in a
     * buffer this thread's next decode overwrites.
     */
    @Override
    public float[] decode(int token, int position, KvCache cache) {
        ForwardState s = decodeState.get();
        embed(token, s, 0);
        s.positions(rope, position);
        KvLayout layout = cache.layout();
        float scale = (float) (1.0 / Math.sqrt(config.headDim()));
        int headDim = config.headDim();
        TransformerLayer.Attention attention = (layer, st) -> {
            cache.append(layer, position, st.k, st.v);
            Parallel.forEach(config.numHeads(), h -> {
                HeadStore store = cache.head(layer, layout.storedHeadFor(h));
                int entries = store.length();
                float[] scores = st.scores(h, entries);
                store.scores(st.q, h * headDim, scale, scores);
                VectorMath.softmax(scores, 0, entries);
                Arrays.fill(st.attn, h * headDim, (h + 1) * headDim, 0f);
                store.accumulateValues(scores, st.attn, h * headDim);
            });
        };
        for (TransformerLayer layer : layers) {
            layer.forward(s, attention);
            watch.afterLayer(layer.index(), s.x);
        }
        return logits(s);
    }

    /** Row {@code row} of x = the embedding of the token. */
    private void embed(int token, ForwardState s, int row) {
        if (token < 0 || token >= config.vocabSize()) {
            throw new IllegalArgumentException("token id " + token + " is outside the vocabulary of " + config.vocabSize());
        }
        weights.embedding().readRow(token, s.x, row * config.hiddenSize());
    }

    /** Logits of the last row: final RMSNorm, then the LM head. */
    private float[] logits(ForwardState s) {
        int hidden = config.hiddenSize();
        VectorMath.rmsNorm(s.x, (s.rows - 1) * hidden, weights.finalNorm(), (float) config.rmsNormEps(), s.xn, 0, hidden);
        weights.lmHead().matvec(s.xn, s.logits);
        return s.logits;
    }
}
