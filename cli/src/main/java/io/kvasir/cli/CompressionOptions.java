package io.kvasir.cli;

import io.kvasir.compression.CompressionConfig;
import io.kvasir.compression.CompressionConfigBuilder;
import io.kvasir.compression.CompressionMethods;
import io.kvasir.compression.windowkv.WindowKvOptions;
import java.util.Iterator;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The KV-cache compression options shared by every command that runs a model. Unset options keep
 * the reference runners' defaults (shown in --help).
 */
public final class CompressionOptions {
    @Option(names = {"--method", "--methods"}, paramLabel = "NAME", defaultValue = "full", split = ",",
            completionCandidates = MethodNames.class,
            description = "KV-cache compression: ${COMPLETION-CANDIDATES}; needle, longbench"
                    + " and ruler take a comma list to sweep (default: ${DEFAULT-VALUE}).")
    List<String> methods;

    @Option(names = {"--budget", "--budgets"}, paramLabel = "TOKENS", defaultValue = "2048", split = ",",
            description = "Prompt tokens kept per layer and stored head. Includes the observation window for"
                    + " h2o/snapkv/pyramidkv and the sinks for streamingllm; for windowkv it is the mean review budget"
                    + " per layer, the observation window (suffix) coming on top; needle, longbench and ruler take a"
                    + " comma list to sweep (default: ${DEFAULT-VALUE}).")
    List<Integer> budgets;

    @Option(names = "--window", paramLabel = "TOKENS", defaultValue = "8",
            description = "Observation window: the last prompt tokens whose queries score the rest, always kept"
                    + " (h2o, snapkv, pyramidkv; the LongBench runners use 8, the needle runners 32) (default: ${DEFAULT-VALUE}).")
    int window;

    @Option(names = "--kernel", paramLabel = "N", defaultValue = "7",
            description = "Odd pooling kernel over candidate scores (snapkv, pyramidkv) (default: ${DEFAULT-VALUE}).")
    int kernel;

    @Option(names = "--pooling", paramLabel = "KIND", defaultValue = "maxpool",
            description = "maxpool, avgpool (divides by the kernel, padding included, as PyTorch does) or none (raw scores) (default: ${DEFAULT-VALUE}).")
    String pooling;

    @Option(names = "--gqa-mode", paramLabel = "MODE", defaultValue = "native",
            description = "native: one stored head per KV head, scores averaged over its query heads (real savings)."
                    + " repeat: K/V copied to every query head before selection, as the reference repositories do"
                    + " (to reproduce published numbers; the cache is larger by the group size) (default: ${DEFAULT-VALUE}).")
    String gqaMode;

    @Option(names = "--sinks", paramLabel = "TOKENS", defaultValue = "4",
            description = "streamingllm: leading tokens always kept; the rest of the budget is the most recent tokens (default: ${DEFAULT-VALUE}).")
    int sinks;

    @Option(names = "--review-window", paramLabel = "TOKENS", defaultValue = "8",
            description = "windowkv: tokens per review window (default: ${DEFAULT-VALUE}).")
    int reviewWindow;

    @Option(names = "--shared-layers", paramLabel = "N", defaultValue = "auto",
            description = "windowkv: layers per group sharing the leader layer's selected windows; must divide the"
                    + " layer count. auto: the largest divisor of the layer count up to the reference's 8 (8 for 32"
                    + " layers, 7 for 28, 4 for 4) (default: ${DEFAULT-VALUE}).")
    String sharedLayers;

    @Option(names = "--suffix-max", paramLabel = "TOKENS", defaultValue = "32",
            description = "windowkv: observation window of the max (QA) strategy (default: ${DEFAULT-VALUE}).")
    int suffixMax;

    @Option(names = "--suffix-avg", paramLabel = "TOKENS", defaultValue = "16",
            description = "windowkv: observation window of the average (non-QA) strategy (default: ${DEFAULT-VALUE}).")
    int suffixAvg;

    @Option(names = "--task-type", paramLabel = "TYPE", defaultValue = "auto",
            description = "windowkv: qa (max strategy), other (average strategy), or auto (classify the prompt with"
                    + " the LongBench template heuristic) (default: ${DEFAULT-VALUE}).")
    String taskType;

    @Option(names = "--strict-budget",
            description = "windowkv: never keep more review tokens than the layer budget (the reference may overshoot"
                    + " by up to review-window - 1 tokens; off reproduces it).")
    boolean strictBudget;

    @Option(names = "--h2o-paper-mask",
            description = "h2o: reproduce the QPruningKV reference bug (only the last window x window block causal)"
                    + " to match its published numbers; off computes the correct causal attention mass.")
    boolean h2oPaperMask;

    @Option(names = "--fp16-scores",
            description = "Round attention probabilities to fp16 before scoring, as the fp16 reference runs do"
                    + " (for parity with published numbers; default float32).")
    boolean fp16Scores;

    /** The validated configuration of a command that runs one method and budget; a list fails with one line. */
    CompressionConfig config() {
        return config(Sweep.single(methods, "--method"), Sweep.single(budgets, "--budget"));
    }

    /** The validated configuration for one method and budget of a sweep, the other options as given. */
    CompressionConfig config(String method, int budget) {
        CompressionConfigBuilder b = CompressionConfig.builder()
                .method(method).budget(budget).window(window).kernel(kernel).pooling(pooling).gqaMode(gqaMode)
                .sinkTokens(sinks).reviewWindow(reviewWindow)
                .sharedLayers(AutoNumber.parse(sharedLayers, "--shared-layers", 1).orElse(WindowKvOptions.AUTO_SHARED_LAYERS))
                .suffixMax(suffixMax)
                .suffixAvg(suffixAvg).taskType(taskType).strictBudget(strictBudget).h2oPaperMask(h2oPaperMask)
                .fp16Scores(fp16Scores);
        return b.build();
    }

    /** The registered method names, which --help lists (picocli's completion candidates). */
    public static final class MethodNames implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return CompressionMethods.names().iterator();
        }
    }
}
