package io.kvasir.compression;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.kvasir.compression.windowkv.TaskType;
import io.kvasir.compression.windowkv.WindowKvOptions;
import io.kvasir.compression.windowkv.WindowKvPolicy;
import io.kvasir.compression.windowkv.WindowStrategy;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The factory: defaults, one-line validation, policy construction, budget and GQA behaviour. */
class CompressionConfigTest {
    static final int LAYERS = 4;

    static String message(Supplier<?> action) {
        return assertThrows(IllegalArgumentException.class, action::get).getMessage();
    }

    static float[] random(int n, SplittableRandom r) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (r.nextDouble() * 4 - 2);
        }
        return x;
    }

    /** Runs one sequence through every layer, as the model does, returning [layer][stored head][]. */
    static int[][][] runAllLayers(CompressionPolicy policy, KvLayout layout, int promptLength) {
        SplittableRandom r = new SplittableRandom(11);
        int[][][] kept = new int[layout.layers()][][];
        for (int l = 0; l < layout.layers(); l++) {
            float[] k = random(promptLength * layout.kvHeads() * layout.headDim(), r);
            float[] v = random(k.length, r);
            float[] q = random(promptLength * layout.queryHeads() * layout.headDim(), r);
            float[] mass = policy.needsAttentionMass() ? AttentionMass.compute(
                    new LayerPrefill(l, layout, promptLength, k, v, q, null), AttentionMass.Mask.CAUSAL, 1) : null;
            kept[l] = policy.select(new LayerPrefill(l, layout, promptLength, k, v, q, mass));
        }
        return kept;
    }

    @Test
    void defaultsAreTheReferenceRunners() {
        CompressionConfig c = CompressionConfig.builder().build();
        assertEquals(CompressionMethod.FULL, c.method());
        assertEquals(2048, c.budget());
        assertEquals(8, c.window());
        assertEquals(7, c.kernel());
        assertEquals(Pooling.MAXPOOL, c.pooling());
        assertEquals(GqaMode.NATIVE, c.gqaMode());
        assertEquals(ScoreAggregation.MEAN, c.aggregation());
        assertEquals(4, c.sinkTokens());
        assertEquals(20, c.pyramidBeta());
        assertEquals(new WindowKvOptions(8, 8, 32, 16, 14, TaskType.AUTO, false), c.windowKv());
    }

    @Test
    void validationMessagesAreOneLine() {
        assertEquals("budget (8 tokens) must be larger than the observation window (8 tokens): snapkv keeps budget - window selected tokens plus the window",
                message(() -> CompressionConfig.builder().method("snapkv").budget(8).build()));
        assertEquals("budget (4 tokens) must be larger than the observation window (8 tokens): h2o keeps budget - window selected tokens plus the window",
                message(() -> CompressionConfig.builder().method("h2o").budget(4).build()));
        assertEquals("unknown compression method 'snap'; known methods: full, streamingllm, h2o, snapkv, pyramidkv, windowkv",
                message(() -> CompressionConfig.builder().method("snap")));
        assertEquals("pooling kernel size must be odd and at least 1, got 6",
                message(() -> CompressionConfig.builder().method("snapkv").kernel(6).build()));
        assertEquals("unknown pooling 'median'; known: maxpool, avgpool, none",
                message(() -> CompressionConfig.builder().pooling("median")));
        assertEquals("unknown GQA mode 'grouped'; known: native, repeat",
                message(() -> CompressionConfig.builder().gqaMode("grouped")));
        assertEquals("budget must be at least 1 token, got 0", message(() -> CompressionConfig.builder().budget(0).build()));
        assertEquals("streamingllm sink tokens (4) must be fewer than the budget (4 tokens), which also holds the recent tokens",
                message(() -> CompressionConfig.builder().method("streamingllm").budget(4).build()));
        assertEquals("windowkv review window must be at least 2 tokens (the max strategy keeps the top floor(w/2) scores), got 1",
                message(() -> CompressionConfig.builder().method("windowkv").reviewWindow(1).build()));
        CompressionConfig windowKv = CompressionConfig.builder().method("windowkv").taskType("qa").build();
        assertEquals("windowkv shared-layers (8) must divide the model's layer count (28)",
                message(() -> windowKv.create(windowKv.layoutFor(28, 2, 4, 8))));
        CompressionConfig auto = CompressionConfig.builder().method("windowkv").build();
        assertEquals("windowkv task type 'auto' needs the prompt to classify; set task type qa or other, or pass the prompt",
                message(() -> auto.create(auto.layoutFor(8, 2, 4, 8))));
        assertEquals("the cache layout uses GQA mode REPEAT but the compression configuration says NATIVE",
                message(() -> windowKv.create(new KvLayout(8, 2, 4, 8, GqaMode.REPEAT))));
    }

    @Test
    void buildOrderDoesNotMatter() {
        CompressionConfig c = CompressionConfig.builder().method("SnapKV").budget(6).window(2).build();
        assertEquals(6, c.budget());
        assertEquals(CompressionMethod.FULL, CompressionMethod.parse("FullKV"));
    }

    @ParameterizedTest
    @EnumSource(CompressionMethod.class)
    void createsThePolicyNamedByTheMethod(CompressionMethod method) {
        CompressionConfig c = CompressionConfig.builder().method(method).taskType("other").build();
        CompressionPolicy policy = c.create(c.layoutFor(8, 2, 4, 8));
        assertEquals(method.cliName(), policy.name());
        assertEquals(method == CompressionMethod.H2O, policy.needsAttentionMass());
    }

    @Test
    void windowKvStrategyComesFromTheClassifier() {
        CompressionConfig c = CompressionConfig.builder().method("windowkv").build();
        KvLayout layout = c.layoutFor(8, 2, 4, 8);
        var qa = assertInstanceOf(WindowKvPolicy.class, c.create(layout, "Summarize.", Optional.of("qasper")));
        assertEquals(WindowStrategy.MAX, qa.strategy());
        var summary = assertInstanceOf(WindowKvPolicy.class, c.create(layout, "Question: x\nAnswer:", Optional.of("gov_report")));
        assertEquals(WindowStrategy.AVERAGE, summary.strategy());
        var guessed = assertInstanceOf(WindowKvPolicy.class, c.create(layout, "Question: x\nAnswer:", Optional.empty()));
        assertEquals(WindowStrategy.MAX, guessed.strategy());
        var manual = CompressionConfig.builder().method("windowkv").taskType(TaskType.OTHER).build();
        assertEquals(WindowStrategy.AVERAGE, ((WindowKvPolicy) manual.create(layout, "Question: x\nAnswer:", Optional.empty())).strategy());
    }

    @ParameterizedTest
    @EnumSource(CompressionMethod.class)
    void budgetCoveringThePromptKeepsEverything(CompressionMethod method) {
        int prompt = 24;
        for (GqaMode mode : GqaMode.values()) {
            // WindowKV's budget is a per-layer mean with a pyramid: its shallowest-to-deepest budgets
            // are 2M - M*G/beta .. M*G/beta, so the deepest must cover the review region (docs/methods/windowkv.md#how-many-windows).
            int budget = method == CompressionMethod.WINDOWKV ? 7 * prompt : prompt;
            CompressionConfig c = CompressionConfig.builder().method(method).budget(budget).window(4).sharedLayers(2)
                    .taskType("qa").suffixMax(4).gqaMode(mode).build();
            KvLayout layout = c.layoutFor(LAYERS, 2, 4, 8);
            int[] all = IntStream.range(0, prompt).toArray();
            for (int[][] layer : runAllLayers(c.create(layout), layout, prompt)) {
                assertEquals(layout.storedHeads(), layer.length);
                for (int[] head : layer) {
                    assertArrayEquals(all, head, method + " " + mode);
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(CompressionMethod.class)
    void nativeStoresKvHeadsAndRepeatStoresQueryHeads(CompressionMethod method) {
        int prompt = 40;
        for (GqaMode mode : GqaMode.values()) {
            CompressionConfig c = CompressionConfig.builder().method(method).budget(12).window(4).kernel(3)
                    .sharedLayers(2).reviewWindow(4).suffixMax(4).windowKvBeta(4).taskType("qa").gqaMode(mode).build();
            KvLayout layout = c.layoutFor(LAYERS, 2, 6, 8);
            int[][][] kept = runAllLayers(c.create(layout), layout, prompt);
            for (int[][] layer : kept) {
                assertEquals(mode == GqaMode.NATIVE ? 2 : 6, layer.length, method + " " + mode);
                for (int[] head : layer) {
                    assertEquals(IntStream.of(head).sorted().distinct().count(), head.length, "ascending, no repeats");
                    assertArrayEquals(IntStream.of(head).sorted().toArray(), head);
                }
            }
            if (method == CompressionMethod.SNAPKV || method == CompressionMethod.H2O || method == CompressionMethod.STREAMING_LLM) {
                assertEquals(12, kept[0][0].length, method + " keeps the budget, window included");
            }
        }
    }

    @Test
    void warnsWhenTheWindowKvPyramidInverts() {
        CompressionConfig c = CompressionConfig.builder().method("windowkv").sharedLayers(2).windowKvBeta(2).build();
        assertEquals(List.of("windowkv shared-layers (2) >= beta (2): the group pyramid inverts and deeper layers get larger budgets"),
                c.warnings(c.layoutFor(4, 1, 1, 8)));
        CompressionConfig ok = CompressionConfig.builder().method("windowkv").build();
        assertEquals(List.of(), ok.warnings(ok.layoutFor(32, 8, 32, 128)));
    }
}
