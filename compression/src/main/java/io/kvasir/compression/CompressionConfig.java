package io.kvasir.compression;

import io.kvasir.compression.cache.KvStorage;
import io.kvasir.compression.policy.CompressionPolicy;
import io.kvasir.compression.policy.GqaMode;
import io.kvasir.compression.policy.KvLayout;
import io.kvasir.compression.scoring.Pooling;
import io.kvasir.compression.scoring.ScoreAggregation;
import io.kvasir.compression.scoring.ScorePooling;
import io.kvasir.compression.windowkv.WindowKvOptions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything needed to build a compression policy for one sequence. Invalid combinations are
 * rejected here, with one line that says what to change, so that a bad command line fails before a
 * model is loaded. Defaults ({@link #builder()}) are the reference runners' (docs/methods/common.md#runner-settings,
 * docs/methods/windowkv.md#parameters-and-defaults).
 *
 * @param method       which method (its registration checks the settings it reads)
 * @param budget       tokens per layer and stored head. Baselines: window included (docs/methods/common.md#budget).
 *                     WindowKV: the mean review-token budget per layer M, its observation window
 *                     coming on top (docs/methods/windowkv.md#budget)
 * @param window       observation window w of h2o (its recent part), snapkv and pyramidkv; unused by
 *                     streamingllm (see sinkTokens) and windowkv (see its suffixes)
 * @param kernel       odd pooling kernel size (snapkv, pyramidkv)
 * @param pooling      pooling of candidate scores (snapkv, pyramidkv)
 * @param gqaMode      stored heads per KV head (native) or per query head (repeat, the reference)
 * @param aggregation  reduction of a KV group's query-head scores in native mode
 * @param sinkTokens   streamingllm's leading tokens; the rest of the budget is the recent window
 * @param pyramidBeta  pyramidkv steepness (reference constant 20)
 * @param h2oPaperMask reproduce QPruningKV's H2O mask bug (only the last w x w block causal)
 * @param fp16Scores   emulate the fp16 reference's rounding of attention scores (parity runs)
 * @param windowKv     WindowKV's own parameters
 */
public record CompressionConfig(CompressionMethod method, int budget, int window, int kernel, Pooling pooling,
                                GqaMode gqaMode, ScoreAggregation aggregation, int sinkTokens, int pyramidBeta,
                                boolean h2oPaperMask, boolean fp16Scores, WindowKvOptions windowKv) {
    /** KIVI's residual, which an automatic residual never exceeds. */
    public static final int KIVI_RESIDUAL = 128;

    /** Checks the shared settings, then lets the method check the ones it reads (it needs the assigned record). */
    public CompressionConfig(CompressionMethod method, int budget, int window, int kernel, Pooling pooling,
                             GqaMode gqaMode, ScoreAggregation aggregation, int sinkTokens, int pyramidBeta,
                             boolean h2oPaperMask, boolean fp16Scores, WindowKvOptions windowKv) {
        require(method != null && pooling != null && gqaMode != null && aggregation != null && windowKv != null,
                "compression method, pooling, GQA mode, aggregation and windowkv options must all be set");
        require(budget >= 1, "budget must be at least 1 token, got " + budget);
        require(window >= 1, "observation window must be at least 1 token, got " + window);
        ScorePooling.checkKernel(kernel);
        require(sinkTokens >= 0, "sink tokens must not be negative, got " + sinkTokens);
        require(pyramidBeta >= 1, "pyramid beta must be at least 1, got " + pyramidBeta);
        this.method = method;
        this.budget = budget;
        this.window = window;
        this.kernel = kernel;
        this.pooling = pooling;
        this.gqaMode = gqaMode;
        this.aggregation = aggregation;
        this.sinkTokens = sinkTokens;
        this.pyramidBeta = pyramidBeta;
        this.h2oPaperMask = h2oPaperMask;
        this.fp16Scores = fp16Scores;
        this.windowKv = windowKv;
        method.validate(this);
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    /** A builder holding the reference defaults. */
    public static CompressionConfigBuilder builder() {
        return new CompressionConfigBuilder();
    }

    /** The same configuration with another token budget (LayerQuant scales it per layer). */
    public CompressionConfig withBudget(int newBudget) {
        return new CompressionConfig(method, newBudget, window, kernel, pooling, gqaMode, aggregation, sinkTokens,
                pyramidBeta, h2oPaperMask, fp16Scores, windowKv);
    }

    /**
     * The policy for one sequence under a storage: with LayerQuant each layer gets its own policy at
     * budget {@code int(budget * 16 / bits)} (docs/methods/layerquant.md#the-rule, truncation kept for parity); otherwise
     * {@link #create(KvLayout, String, Optional)}.
     */
    public CompressionPolicy create(KvLayout layout, KvStorage storage, String prompt, Optional<String> datasetName) {
        if (!storage.layerQuant()) {
            return create(layout, prompt, datasetName);
        }
        CompressionPolicy[] perLayer = new CompressionPolicy[layout.layers()];
        for (int l = 0; l < perLayer.length; l++) {
            perLayer[l] = withBudget((int) (budget * storage.tokenScale(l))).create(layout, prompt, datasetName);
        }
        return new PerLayerPolicy(perLayer);
    }

    /** A cache layout for a model, in this configuration's GQA mode. */
    public KvLayout layoutFor(int layers, int kvHeads, int queryHeads, int headDim) {
        return new KvLayout(layers, kvHeads, queryHeads, headDim, gqaMode);
    }

    /**
     * The policy for one sequence when the prompt's text is not at hand: methods that classify the
     * prompt (windowkv with task type auto) fail with one line saying what to set.
     */
    public CompressionPolicy create(KvLayout layout) {
        return create(layout, CompressionMethod.Prompt.UNKNOWN);
    }

    /** The policy for one sequence of this prompt (windowkv classifies it, with the dataset name when known). */
    public CompressionPolicy create(KvLayout layout, String prompt, Optional<String> datasetName) {
        return create(layout, new CompressionMethod.Prompt(Optional.of(prompt), datasetName));
    }

    private CompressionPolicy create(KvLayout layout, CompressionMethod.Prompt prompt) {
        require(layout.gqaMode() == gqaMode, "the cache layout uses GQA mode " + layout.gqaMode()
                + " but the compression configuration says " + gqaMode);
        return method.create(this, layout, prompt);
    }

    /**
     * The storage with an automatic residual decided for this method and budget: KIVI's 128 tokens for a
     * method that keeps every token, min(128, budget / 4) for one that prunes. KIVI chose 128 for caches of
     * thousands of tokens, where the residual is a few percent; a pruned cache of B tokens with a residual of
     * 128 >= B holds no codes at all, so any --kv-bits would measure a 16-bit cache. A quarter of the budget
     * keeps the newest tokens (the observation window among them) in half precision and codes the rest.
     */
    public KvStorage resolve(KvStorage storage) {
        if (storage.residual() != KvStorage.AUTO_RESIDUAL) {
            return storage;
        }
        return storage.withResidual(method.prunes() ? Math.min(KIVI_RESIDUAL, budget / 4) : KIVI_RESIDUAL);
    }

    /** Legal but probably unintended settings for this model, one line each. */
    public List<String> warnings(KvLayout layout) {
        return method.warnings(this, layout);
    }

    /**
     * Every setting by name, for result files: the record's components in order, the method by its
     * {@link CompressionMethod#jsonName()} (a JSON mapper turns the enums into their names and
     * windowKv into an object).
     */
    public Map<String, Object> parameters() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("method", method.jsonName());
        p.put("budget", budget);
        p.put("window", window);
        p.put("kernel", kernel);
        p.put("pooling", pooling);
        p.put("gqaMode", gqaMode);
        p.put("aggregation", aggregation);
        p.put("sinkTokens", sinkTokens);
        p.put("pyramidBeta", pyramidBeta);
        p.put("h2oPaperMask", h2oPaperMask);
        p.put("fp16Scores", fp16Scores);
        p.put("windowKv", windowKv);
        return p;
    }
}
