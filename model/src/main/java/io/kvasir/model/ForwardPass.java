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
 * <p>Prefill is layer-major: the whole prompt goes through layer 0, then layer 1, and so on, each
 * layer walking the prompt in chunks of query rows with every projection a batched matmul over the
 * chunk, so that only the residual stream and the layer's K/V span the prompt ({@link
 * PrefillMemory}). At the end of each layer the compression policy sees that layer's complete K/V
 * and chooses what the cache keeps, so only one layer's uncompressed K/V exists at a time. Decode runs one token through all layers against
 * the (possibly compressed) cache. Both run the same {@link TransformerLayer} steps; decode's
 * buffers are one {@link ForwardState} per thread, allocated once, so a decoded token allocates
 * nothing but the small tasks that spread work over the cores. The logits decode returns are that
 * state's buffer: valid until the thread's next decode.
 */
public final class ForwardPass implements ForwardBackend {
    private final ModelConfig config;
    private final ModelWeights weights;
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
        Rope rope = new Rope(config.headDim(), config.ropeTheta(), config.ropeScaling());
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
     * of the last prompt position. Each layer walks the prompt chunk by chunk; the policy sees the
     * layer's complete K/V, the last queries it asked for and, for H2O, the attention mass, once the
     * layer's last chunk is done.
     */
    @Override
    public float[] prefill(int[] tokens, KvCache cache, CompressionPolicy policy) {
        return prefill(tokens, List.of(new PrefillTarget(cache, policy)));
    }

    /**
     * One prefill for several caches: a layer's output does not depend on what any cache keeps (the
     * prompt always attends over the whole prompt), so the layers run once and, at the end of each
     * layer, every target's policy selects from the same K/V. The kept queries and the attention mass
     * are computed once for the most any target reads, and each policy sees only the rows it asked
     * for, so every cache ends exactly as its own prefill would leave it.
     */
    @Override
    public float[] prefill(int[] tokens, List<PrefillTarget> targets) {
        int n = tokens.length;
        if (n == 0) {
            throw new IllegalArgumentException("the prompt is empty (0 tokens)");
        }
        int queryRows = 0;
        boolean mass = false;
        for (PrefillTarget target : targets) {
            queryRows = Math.max(queryRows, PrefillMemory.queryRows(n, target.policy()));
            mass |= target.policy().needsAttentionMass();
        }
        PrefillMemory.checkArrayLimits(config, n, queryRows, mass);
        ForwardState s = ForwardState.prompt(config, n);
        PrefillAttention attention = new PrefillAttention(config, n, mass);
        int firstQueryRow = n - queryRows;
        float[] queries = new float[queryRows * config.qDim()];
        for (int t = 0; t < n; t++) {
            embed(tokens[t], s, t);
        }
        TransformerLayer.Attention chunkAttention = (layer, st) -> {
            attention.attend(st);
            keepQueries(st, firstQueryRow, queries);
        };
        for (int l = 0; l < layers.size(); l++) {
            attention.startLayer();
            layers.get(l).forward(s, chunkAttention);
            for (PrefillTarget target : targets) {
                CompressionPolicy policy = target.policy();
                int[][] kept = policy.selectInCacheOrder(new LayerPrefill(l, target.cache().layout(), n, s.k, s.v,
                        queries, policy.needsAttentionMass() ? attention.mass() : null, firstQueryRow));
                target.cache().storePrefill(l, s.k, s.v, n, kept);
            }
            watch.afterLayer(l, s.x);
        }
        return logits(s);
    }

    @Override
    public long prefillBytes(int tokens, CompressionPolicy policy) {
        return PrefillMemory.bytes(config, tokens, policy);
    }

    /** Copies the chunk's query rows at or after firstRow into queries (row 0 = prompt position firstRow). */
    private void keepQueries(ForwardState s, int firstRow, float[] queries) {
        int qDim = config.qDim();
        int from = Math.max(s.chunkStart, firstRow);
        int to = s.chunkStart + s.chunkRows;
        if (from < to) {
            System.arraycopy(s.q, (from - s.chunkStart) * qDim, queries, (from - firstRow) * qDim, (to - from) * qDim);
        }
    }

    /**
     * Runs one token at the given absolute position against the cache; returns its logits, in a
     * buffer this thread's next decode overwrites.
     */
    @Override
    public float[] decode(int token, int position, KvCache cache) {
        ForwardState s = decodeState.get();
        embed(token, s, 0);
        s.firstPosition = position;
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
        VectorMath.rmsNorm(s.x, (s.tokens - 1) * hidden, weights.finalNorm(), (float) config.rmsNormEps(), s.xn, 0, hidden);
        weights.lmHead().matvec(s.xn, s.logits);
        return s.logits;
    }
}
