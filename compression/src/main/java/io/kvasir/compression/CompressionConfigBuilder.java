package io.kvasir.compression;

import io.kvasir.compression.full.FullKvPolicy;
import io.kvasir.compression.policy.GqaMode;
import io.kvasir.compression.scoring.Pooling;
import io.kvasir.compression.scoring.ScoreAggregation;
import io.kvasir.compression.windowkv.TaskType;
import io.kvasir.compression.windowkv.WindowKvOptions;
import java.util.Locale;

/**
 * Collects {@link CompressionConfig} parameters in any order and validates them together in
 * {@link #build()}, so that setting budget before window (or the reverse) never trips a check
 * halfway. String setters parse command-line spellings and fail with one line listing the choices.
 *
 * <p>Defaults: method full, budget 2048 tokens (WindowKV's default; the baselines' scripts sweep
 * 64-4096), window 8 and kernel 7 with maxpool (the LongBench/RULER runners), native GQA with mean
 * aggregation, 4 sink tokens, pyramid beta 20, no bug reproduction, float32 scores, and
 * {@link WindowKvOptions#defaults()}.
 */
public final class CompressionConfigBuilder {
    private CompressionMethod method = CompressionMethods.parse(FullKvPolicy.NAME);
    private int budget = 2048;
    private int window = 8;
    private int kernel = 7;
    private Pooling pooling = Pooling.MAXPOOL;
    private GqaMode gqaMode = GqaMode.NATIVE;
    private ScoreAggregation aggregation = ScoreAggregation.MEAN;
    private int sinkTokens = 4;
    private int pyramidBeta = 20;
    private boolean h2oPaperMask;
    private boolean fp16Scores;
    private int reviewWindow = WindowKvOptions.defaults().reviewWindow();
    private int sharedLayers = WindowKvOptions.defaults().sharedLayers();
    private int suffixMax = WindowKvOptions.defaults().suffixMax();
    private int suffixAvg = WindowKvOptions.defaults().suffixAvg();
    private int windowKvBeta = WindowKvOptions.defaults().beta();
    private TaskType taskType = WindowKvOptions.defaults().taskType();
    private boolean strictBudget = WindowKvOptions.defaults().strictBudget();

    CompressionConfigBuilder() {}

    public CompressionConfigBuilder method(CompressionMethod value) { method = value; return this; }
    public CompressionConfigBuilder method(String value) { return method(CompressionMethods.parse(value)); }
    public CompressionConfigBuilder budget(int tokens) { budget = tokens; return this; }
    public CompressionConfigBuilder window(int tokens) { window = tokens; return this; }
    public CompressionConfigBuilder kernel(int size) { kernel = size; return this; }
    public CompressionConfigBuilder pooling(Pooling value) { pooling = value; return this; }
    public CompressionConfigBuilder pooling(String value) { return pooling(Pooling.parse(value)); }
    public CompressionConfigBuilder gqaMode(GqaMode value) { gqaMode = value; return this; }
    public CompressionConfigBuilder gqaMode(String value) { return gqaMode(parseGqaMode(value)); }
    public CompressionConfigBuilder aggregation(ScoreAggregation value) { aggregation = value; return this; }
    public CompressionConfigBuilder aggregation(String value) { return aggregation(ScoreAggregation.parse(value)); }
    public CompressionConfigBuilder sinkTokens(int tokens) { sinkTokens = tokens; return this; }
    public CompressionConfigBuilder pyramidBeta(int value) { pyramidBeta = value; return this; }
    public CompressionConfigBuilder h2oPaperMask(boolean value) { h2oPaperMask = value; return this; }
    public CompressionConfigBuilder fp16Scores(boolean value) { fp16Scores = value; return this; }
    public CompressionConfigBuilder reviewWindow(int tokens) { reviewWindow = tokens; return this; }
    public CompressionConfigBuilder sharedLayers(int layers) { sharedLayers = layers; return this; }
    public CompressionConfigBuilder suffixMax(int tokens) { suffixMax = tokens; return this; }
    public CompressionConfigBuilder suffixAvg(int tokens) { suffixAvg = tokens; return this; }
    public CompressionConfigBuilder windowKvBeta(int value) { windowKvBeta = value; return this; }
    public CompressionConfigBuilder taskType(TaskType value) { taskType = value; return this; }
    public CompressionConfigBuilder taskType(String value) { return taskType(TaskType.parse(value)); }
    public CompressionConfigBuilder strictBudget(boolean value) { strictBudget = value; return this; }

    /** The validated configuration; IllegalArgumentException with one line when a value is bad. */
    public CompressionConfig build() {
        WindowKvOptions windowKv = new WindowKvOptions(reviewWindow, sharedLayers, suffixMax, suffixAvg, windowKvBeta,
                taskType, strictBudget);
        return new CompressionConfig(method, budget, window, kernel, pooling, gqaMode, aggregation, sinkTokens,
                pyramidBeta, h2oPaperMask, fp16Scores, windowKv);
    }

    static GqaMode parseGqaMode(String value) {
        String key = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
        return switch (key) {
            case "native", "kv_head" -> GqaMode.NATIVE;
            case "repeat", "query_head" -> GqaMode.REPEAT;
            default -> throw new IllegalArgumentException("unknown GQA mode '" + value + "'; known: native, repeat");
        };
    }
}
