package io.kvasir.tests;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kvasir.bench.demo.DemoSweep;
import io.kvasir.bench.demo.RetrievalTask;
import io.kvasir.compression.cache.KvStorage;
import io.kvasir.model.Model;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue #4's claims about the bundled demo model, on a reduced sample of the demo's own sweep (with
 * distractors, the asked fact at 25, 50 and 75% depth): the full cache retrieves at 2,048 tokens,
 * and at 1,024 tokens with the demo's budget (128 tokens per layer and KV head) and observation window
 * (32 tokens) SnapKV, PyramidKV and WindowKV keep retrieving while StreamingLLM does not. The model
 * card has the same measurements on the full demo grid.
 *
 * <p>Each claim is a one-sided exact test at the 5% level, so the margin comes from the sample size
 * and not from the numbers measured: "accuracy >= p" fails when k correct of n has
 * P(X <= k | n, p) < 0.05 (6 prompts: the full cache must answer at least 5; 12 prompts: a method
 * claimed at 80% at least 7); "StreamingLLM is clearly lower" fails unless Fisher's exact test puts
 * its count below SnapKV's at p < 0.05.
 */
class DemoModelRetrievalTest {
    private static final List<Integer> DEPTHS = List.of(25, 50, 75);
    private static final long SEED = 4;
    private static final double SIGNIFICANCE = 0.05;
    private static final List<String> COMPRESSING = List.of("snapkv", "pyramidkv", "windowkv", "streamingllm");

    @Test
    void fullRetrievesAndMethodsRankAsClaimed() {
        Map<String, DemoSweep.Result> results = new LinkedHashMap<>();
        try (Model model = Model.load(Fixtures.DEMO_MODEL)) {
            RetrievalTask task = RetrievalTask.forModel(Fixtures.DEMO_MODEL);
            results.put("full at 2048", sweep(model, task, 2048, 2, List.of("full")).get(0));
            List<DemoSweep.Result> compressed = sweep(model, task, 1024, 4, COMPRESSING);
            for (int i = 0; i < COMPRESSING.size(); i++) results.put(COMPRESSING.get(i), compressed.get(i));
        }
        StringBuilder table = new StringBuilder();
        results.forEach((name, r) -> table.append(String.format(Locale.ROOT, " %s %d/%d", name, r.totalCorrect(), r.totalAsked())));

        assertAtLeast(results.get("full at 2048"), 0.95, table);
        for (String method : List.of("snapkv", "pyramidkv", "windowkv")) assertAtLeast(results.get(method), 0.80, table);
        DemoSweep.Result streaming = results.get("streamingllm"), snap = results.get("snapkv");
        double p = Statistics.fisherLower(streaming.totalCorrect(), streaming.totalAsked(), snap.totalCorrect(), snap.totalAsked());
        assertTrue(p < SIGNIFICANCE, "streamingllm is not clearly below snapkv mid-context: Fisher p = " + p + ";" + table);
    }

    private static List<DemoSweep.Result> sweep(Model model, RetrievalTask task, int length, int samples, List<String> methods) {
        DemoSweep sweep = new DemoSweep(model, task, List.of(length), DEPTHS, samples, SEED);
        return sweep.run(methods.stream()
                .map(name -> DemoSweep.Method.of(name, task.budget(), task.window(), KvStorage.F16, name))
                .toList(), (done, total, what) -> { });
    }

    @Test
    void exactTestsMatchTheirTextbookValues() {
        // R: pbinom(15, 18, 0.95) = 0.05812893; pbinom(10, 18, 0.8) = 0.01628014
        assertTrue(Math.abs(Statistics.binomialCdf(15, 18, 0.95) - 0.05812893) < 1e-8);
        assertTrue(Math.abs(Statistics.binomialCdf(10, 18, 0.80) - 0.01628014) < 1e-8);
        // the thresholds the doc comment quotes: 4 of 6 fails at 95%, 5 passes; 6 of 12 fails at 80%, 7 passes
        assertTrue(Statistics.binomialCdf(4, 6, 0.95) < SIGNIFICANCE && Statistics.binomialCdf(5, 6, 0.95) >= SIGNIFICANCE);
        assertTrue(Statistics.binomialCdf(6, 12, 0.80) < SIGNIFICANCE && Statistics.binomialCdf(7, 12, 0.80) >= SIGNIFICANCE);
        // Fisher's lady tasting tea: all 4 of 4 cups right, 4 of 8 chosen: p = 1/70
        assertTrue(Math.abs(Statistics.fisherLower(0, 4, 4, 4) - 1.0 / 70) < 1e-12);
        assertTrue(Math.abs(Statistics.fisherLower(4, 4, 4, 4) - 1.0) < 1e-12);
    }

    private static void assertAtLeast(DemoSweep.Result r, double claimed, StringBuilder table) {
        double p = Statistics.binomialCdf(r.totalCorrect(), r.totalAsked(), claimed);
        assertTrue(p >= SIGNIFICANCE, String.format(Locale.ROOT, "%s answered %d of %d: below the claimed %.0f%% (P = %.4f);%s",
                r.method.label(), r.totalCorrect(), r.totalAsked(), 100 * claimed, p, table));
    }

    /** Exact tests on counts. */
    static final class Statistics {
        /** P(X <= k) for X ~ Binomial(n, p). */
        static double binomialCdf(int k, int n, double p) {
            double sum = 0;
            for (int i = 0; i <= k; i++) sum += Math.exp(logChoose(n, i) + i * Math.log(p) + (n - i) * Math.log1p(-p));
            return Math.min(1, sum);
        }

        /**
         * One-sided Fisher exact test: the probability, with both groups' totals and the overall number
         * correct fixed, that group A gets k_a or fewer correct (small when A is really lower than B).
         */
        static double fisherLower(int correctA, int totalA, int correctB, int totalB) {
            int correct = correctA + correctB, total = totalA + totalB;
            double sum = 0;
            for (int k = Math.max(0, correct - totalB); k <= correctA; k++) {
                sum += Math.exp(logChoose(totalA, k) + logChoose(totalB, correct - k) - logChoose(total, correct));
            }
            return Math.min(1, sum);
        }

        private static double logChoose(int n, int k) {
            double s = 0;
            for (int i = 1; i <= k; i++) s += Math.log(n - k + i) - Math.log(i);
            return s;
        }
    }
}
