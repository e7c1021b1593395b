package io.kvasir.compression;

import io.kvasir.compression.policy.CompressionPolicy;
import io.kvasir.compression.policy.KvLayout;
import io.kvasir.compression.windowkv.DatasetTaskClassifier;
import io.kvasir.compression.windowkv.GroupBudget;
import io.kvasir.compression.windowkv.KeywordTaskClassifier;
import io.kvasir.compression.windowkv.TaskClassifier;
import io.kvasir.compression.windowkv.WindowKvOptions;
import io.kvasir.compression.windowkv.WindowKvPolicy;
import io.kvasir.compression.windowkv.WindowStrategy;
import java.util.Arrays;
import java.util.List;

/**
 * Registration of {@link WindowKvPolicy}: whole review windows per layer group, the statistic chosen
 * per request by a task classifier. The budget is the mean review budget, the suffix on top.
 */
final class WindowKvMethod implements CompressionMethod {
    @Override
    public String cliName() {
        return WindowKvPolicy.NAME;
    }

    /** Strategy from the task type: fixed (qa, other), or classified from the prompt (auto). */
    @Override
    public CompressionPolicy create(CompressionConfig c, KvLayout layout, Prompt prompt) {
        WindowKvOptions options = c.windowKv();
        WindowStrategy strategy = options.taskType().fixedStrategy().orElseGet(() -> classifier().classify(
                prompt.text().orElseThrow(() -> new IllegalArgumentException("windowkv task type 'auto' needs the"
                        + " prompt to classify; set task type qa or other, or pass the prompt")), prompt.dataset()));
        return new WindowKvPolicy(layout, c.budget(), options, strategy, c.fp16Scores());
    }

    /** Task type auto: the LongBench dataset table when the dataset is known, the template heuristic otherwise. */
    static TaskClassifier classifier() {
        return new DatasetTaskClassifier(new KeywordTaskClassifier());
    }

    /** Task type auto decides the strategy per prompt: count the one that keeps more. */
    @Override
    public int[] keptPrompt(CompressionConfig c, KvLayout layout, int budget, int promptLength) {
        int[] out = new int[layout.layers()];
        for (WindowStrategy strategy : strategies(c)) {
            int[] kept = WindowKvPolicy.keptUpperBound(layout.layers(), c.windowKv(), budget, strategy, promptLength);
            Arrays.setAll(out, l -> Math.max(out[l], kept[l]));
        }
        return out;
    }

    /** Whichever strategy a prompt gets; the bound equals n only when the review region fits the budget. */
    @Override
    public boolean keepsWholePrompt(CompressionConfig c, KvLayout layout, int budget, int promptLength) {
        for (WindowStrategy strategy : strategies(c)) {
            int[] kept = WindowKvPolicy.keptUpperBound(layout.layers(), c.windowKv(), budget, strategy, promptLength);
            if (Arrays.stream(kept).anyMatch(k -> k != promptLength)) {
                return false;
            }
        }
        return true;
    }

    /** The strategies a prompt may get: the fixed one, or both with task type auto. */
    private static WindowStrategy[] strategies(CompressionConfig c) {
        return c.windowKv().taskType().fixedStrategy().map(s -> new WindowStrategy[] {s})
                .orElse(WindowStrategy.values());
    }

    @Override
    public List<String> warnings(CompressionConfig c, KvLayout layout) {
        WindowKvOptions options = c.windowKv();
        int g = options.groupSize(layout.layers());
        if (layout.layers() % g == 0 && new GroupBudget(layout.layers(), g, c.budget(), options.beta()).inverted()) {
            return List.of("windowkv shared-layers (" + g + ") >= beta (" + options.beta()
                    + "): the group pyramid inverts and deeper layers get larger budgets");
        }
        return List.of();
    }
}
