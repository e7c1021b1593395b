package io.kvasir.compression;

import io.kvasir.compression.windowkv.DatasetTaskClassifier;
import io.kvasir.compression.windowkv.FixedTaskClassifier;
import io.kvasir.compression.windowkv.GroupBudget;
import io.kvasir.compression.windowkv.KeywordTaskClassifier;
import io.kvasir.compression.windowkv.TaskClassifier;
import io.kvasir.compression.windowkv.WindowKvOptions;
import io.kvasir.compression.windowkv.WindowKvPolicy;
import io.kvasir.compression.windowkv.WindowStrategy;
import java.util.List;
import java.util.Optional;

/**
 * Everything needed to build a compression policy for one sequence. Invalid combinations are
 * rejected here, with one line that says what to change, so that a bad command line fails before a
 * model is loaded. Defaults ({@link #builder()}) are the reference runners' (docs/methods/common.md#runner-settings,
 * docs/methods/windowkv.md#parameters-and-defaults).
 *
 * @param method       which method
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
    public CompressionConfig {
        require(method != null && pooling != null && gqaMode != null && aggregation != null && windowKv != null,
                "compression method, pooling, GQA mode, aggregation and windowkv options must all be set");
        require(budget >= 1, "budget must be at least 1 token, got " + budget);
        require(window >= 1, "observation window must be at least 1 token, got " + window);
        ScorePooling.checkKernel(kernel);
        require(sinkTokens >= 0, "sink tokens must not be negative, got " + sinkTokens);
        require(pyramidBeta >= 1, "pyramid beta must be at least 1, got " + pyramidBeta);
        switch (method) {
            case H2O, SNAPKV, PYRAMIDKV -> require(budget > window, "budget (" + budget
                    + " tokens) must be larger than the observation window (" + window + " tokens): " + method.cliName()
                    + " keeps budget - window selected tokens plus the window");
            case STREAMING_LLM -> require(sinkTokens < budget, "streamingllm sink tokens (" + sinkTokens
                    + ") must be fewer than the budget (" + budget + " tokens), which also holds the recent tokens");
            default -> { }
        }
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
     * The policy for one sequence. For windowkv the task type must be fixed (qa or other); with
     * task type auto use {@link #create(KvLayout, String, Optional)}, which classifies the prompt.
     */
    public CompressionPolicy create(KvLayout layout) {
        if (method == CompressionMethod.WINDOWKV) {
            WindowStrategy strategy = windowKv.taskType().fixedStrategy().orElseThrow(() -> new IllegalArgumentException(
                    "windowkv task type 'auto' needs the prompt to classify; set task type qa or other, or pass the prompt"));
            return create(layout, strategy);
        }
        return create(layout, WindowStrategy.MAX);
    }

    /** The policy for one sequence, classifying the prompt with {@link #taskClassifier()} for windowkv. */
    public CompressionPolicy create(KvLayout layout, String prompt, Optional<String> datasetName) {
        WindowStrategy strategy = method == CompressionMethod.WINDOWKV
                ? taskClassifier().classify(prompt, datasetName)
                : WindowStrategy.MAX;
        return create(layout, strategy);
    }

    /**
     * The policy for one sequence with the windowkv strategy already decided (by any
     * {@link TaskClassifier}, e.g. a BERT one); other methods ignore the strategy.
     */
    public CompressionPolicy create(KvLayout layout, WindowStrategy strategy) {
        require(layout.gqaMode() == gqaMode, "the cache layout uses GQA mode " + layout.gqaMode()
                + " but the compression configuration says " + gqaMode);
        SnapKvSelection selection = new SnapKvSelection(window, pooling, kernel, aggregation, fp16Scores);
        return switch (method) {
            case FULL -> new FullKvPolicy();
            case STREAMING_LLM -> new StreamingLlmPolicy(budget, sinkTokens);
            case H2O -> new H2oPolicy(budget, window, aggregation,
                    h2oPaperMask ? AttentionMass.Mask.WINDOW_BLOCK_ONLY : AttentionMass.Mask.CAUSAL);
            case SNAPKV -> new SnapKvPolicy(budget, selection);
            case PYRAMIDKV -> new PyramidKvPolicy(new PyramidBudget(layout.layers(), budget, window, pyramidBeta), selection);
            case WINDOWKV -> new WindowKvPolicy(layout, budget, windowKv, strategy, fp16Scores);
        };
    }

    /**
     * The classifier that task type auto uses: the LongBench dataset table when the dataset is
     * known, the template heuristic otherwise; a fixed answer for task types qa and other.
     */
    public TaskClassifier taskClassifier() {
        return windowKv.taskType().fixedStrategy()
                .<TaskClassifier>map(FixedTaskClassifier::new)
                .orElseGet(() -> new DatasetTaskClassifier(new KeywordTaskClassifier()));
    }

    /** Legal but probably unintended settings for this model, one line each. */
    public List<String> warnings(KvLayout layout) {
        if (method == CompressionMethod.WINDOWKV && layout.layers() % windowKv.sharedLayers() == 0
                && new GroupBudget(layout.layers(), windowKv.sharedLayers(), budget, windowKv.beta()).inverted()) {
            return List.of("windowkv shared-layers (" + windowKv.sharedLayers() + ") >= beta (" + windowKv.beta()
                    + "): the group pyramid inverts and deeper layers get larger budgets");
        }
        return List.of();
    }
}
