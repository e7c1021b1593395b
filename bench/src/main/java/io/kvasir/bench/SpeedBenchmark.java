package io.kvasir.bench;

import io.kvasir.compression.CompressionConfig;
import io.kvasir.compression.KvStorage;
import io.kvasir.model.GenerationRequest;
import io.kvasir.model.GenerationResult;
import io.kvasir.model.Generator;
import io.kvasir.model.Model;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.IntConsumer;

/**
 * Prefill and decode throughput on synthetic prompts (random token ids, seeded), llama-bench style:
 * a warm-up run, then repetitions whose medians are reported.
 */
public final class SpeedBenchmark {
    /** Settings of one benchmark. */
    public record Settings(int promptTokens, int newTokens, int repetitions, long seed, CompressionConfig compression,
                           KvStorage kvStorage) {
        /** Float32 cache. */
        public Settings(int promptTokens, int newTokens, int repetitions, long seed, CompressionConfig compression) {
            this(promptTokens, newTokens, repetitions, seed, compression, KvStorage.F32);
        }

        public Settings {
            if (promptTokens < 1) {
                throw new IllegalArgumentException("--prompt-tokens must be >= 1, got " + promptTokens);
            }
            if (newTokens < 2) {
                throw new IllegalArgumentException("--new-tokens must be >= 2 (one comes from prefill), got " + newTokens);
            }
            if (repetitions < 1) {
                throw new IllegalArgumentException("--reps must be >= 1, got " + repetitions);
            }
        }
    }

    /** Medians over the repetitions, and every repetition's numbers. */
    public record Result(Settings settings, double prefillTokPerSecMedian, double decodeTokPerSecMedian,
                         double selectionShareMedian, double[] prefillTokPerSec, double[] decodeTokPerSec,
                         double[] selectionShare, long kvBytes, long fullKvBytes) {}

    private SpeedBenchmark() {}

    /** Runs the benchmark; {@code onRepetition} hears each finished repetition (0 is the warm-up). */
    public static Result run(Model model, Settings s, IntConsumer onRepetition) {
        SplittableRandom random = new SplittableRandom(s.seed());
        int vocab = Math.min(model.config().vocabSize(), model.tokenizer().vocabSize());
        int[] prompt = random.ints(s.promptTokens(), 0, vocab).toArray();
        List<Double> prefill = new ArrayList<>();
        List<Double> decode = new ArrayList<>();
        List<Double> selection = new ArrayList<>();
        long kvBytes = 0;
        long fullKvBytes = 0;
        for (int rep = 0; rep <= s.repetitions(); rep++) {
            // Forced ids keep every repetition the same length whatever the model would pick.
            int[] forced = random.ints(s.newTokens(), 0, vocab).toArray();
            GenerationRequest request = GenerationRequest.greedy(prompt, s.newTokens())
                    .withCompression(s.compression()).withKvStorage(s.kvStorage()).withForcedIds(forced);
            GenerationResult r = new Generator(model).generate(request, piece -> {});
            if (rep > 0) { // repetition 0 warms up the JIT
                prefill.add(r.timings().prefillTokensPerSecond());
                decode.add(r.timings().decodeTokensPerSecond());
                selection.add(r.timings().selectionMs() / r.timings().prefillMs());
                kvBytes = r.cache().bytesHeld();
                fullKvBytes = r.cache().fullKvEquivalentBytes();
            }
            onRepetition.accept(rep);
        }
        double[] p = prefill.stream().mapToDouble(Double::doubleValue).toArray();
        double[] d = decode.stream().mapToDouble(Double::doubleValue).toArray();
        double[] sel = selection.stream().mapToDouble(Double::doubleValue).toArray();
        return new Result(s, median(p), median(d), median(sel), p, d, sel, kvBytes, fullKvBytes);
    }

    static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }
}
