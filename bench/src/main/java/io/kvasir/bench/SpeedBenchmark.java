package io.kvasir.bench;

import io.kvasir.compression.CompressionConfig;
import io.kvasir.compression.cache.KvCache;
import io.kvasir.compression.cache.KvStorage;
import io.kvasir.compression.policy.KeptPositions;
import io.kvasir.compression.policy.KvLayout;
import io.kvasir.model.ForwardBackend;
import io.kvasir.model.GenerationRequest;
import io.kvasir.model.GenerationResult;
import io.kvasir.model.Generator;
import io.kvasir.model.Model;
import io.kvasir.model.ModelConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Prefill and decode throughput on synthetic prompts (random token ids, seeded), llama-bench style:
 * a warm-up run, then repetitions whose medians are reported. Several configurations are measured
 * side by side: every repetition runs each of them in turn, so a change in machine load during the
 * benchmark affects them alike.
 *
 * <p>Synthetic context: decode speed at a long context without paying for its prefill (8K tokens of
 * a 1B model take many minutes on a small CPU). Every layer's cache is filled with {@code
 * promptTokens} entries of seeded Gaussian K/V through {@link KvCache#storePrefill}, the path a
 * prefill's output takes (half-precision rounding, quantization, residual), and then {@code
 * newTokens} decode steps are timed. The cache contents are meaningless, their cost is not: decode
 * reads every entry at the same width whatever it holds.
 */
public final class SpeedBenchmark {
    /**
     * Settings of one configuration.
     *
     * @param promptTokens     prompt length, or with {@code syntheticContext} the number of synthetic entries
     * @param newTokens        tokens per run: with a real prompt one comes from prefill and newTokens - 1 from
     *                         decode steps; with a synthetic context all are decode steps
     * @param syntheticContext fill the cache with random K/V instead of running a prefill
     */
    public record Settings(int promptTokens, int newTokens, int repetitions, long seed, CompressionConfig compression,
                           KvStorage kvStorage, boolean syntheticContext) {
        public Settings {
            if (promptTokens < 1) {
                throw new IllegalArgumentException((syntheticContext ? "--synthetic-context" : "--prompt-tokens")
                        + " must be >= 1, got " + promptTokens);
            }
            if (newTokens < 2) {
                throw new IllegalArgumentException("--new-tokens must be >= 2, got " + newTokens);
            }
            if (repetitions < 1) {
                throw new IllegalArgumentException("--reps must be >= 1, got " + repetitions);
            }
            if (syntheticContext && compression.method().prunes()) {
                throw new IllegalArgumentException("--synthetic-context fills the cache without a prefill, so --method "
                        + compression.method().cliName() + " has nothing to select from; use --method full");
            }
        }

        /** The same settings with another storage. */
        public Settings withKvStorage(KvStorage storage) {
            return new Settings(promptTokens, newTokens, repetitions, seed, compression, storage, syntheticContext);
        }
    }

    /**
     * Medians over the repetitions, and every repetition's numbers. Prefill numbers are NaN with a
     * synthetic context. The cache numbers are the last run's; kvEffectiveBits is its bits per cached entry.
     * The first-call numbers are the warm-up run's: on a device backend they include compiling the
     * kernels (TornadoVM JIT-compiles each kernel at its first launch), which the medians leave out.
     */
    public record Result(Settings settings, double prefillTokPerSecMedian, double decodeTokPerSecMedian,
                         double selectionShareMedian, double[] prefillTokPerSec, double[] decodeTokPerSec,
                         double[] selectionShare, long kvBytes, long fullKvBytes, double kvEffectiveBits,
                         double firstCallPrefillTokPerSec, double firstCallDecodeTokPerSec) {}

    /** Hears each finished run: repetition 0 is the warm-up; config indexes the list given to run. */
    @FunctionalInterface
    public interface Progress {
        void done(int repetition, int config);
    }

    private SpeedBenchmark() {}

    /**
     * Runs every configuration once per repetition, in the order given (alternating); all must share
     * lengths, repetitions and seed, so they see the same prompt and the same decoded ids. Every run
     * goes through {@code forward} (the CPU's {@code model.forward()} or a device backend).
     */
    public static List<Result> run(Model model, ForwardBackend forward, List<Settings> configs, Progress progress) {
        Settings first = configs.getFirst();
        for (Settings s : configs) {
            if (s.promptTokens() != first.promptTokens() || s.newTokens() != first.newTokens()
                    || s.repetitions() != first.repetitions() || s.seed() != first.seed()
                    || s.syntheticContext() != first.syntheticContext()) {
                throw new IllegalArgumentException("configurations compared side by side must share lengths, reps and seed");
            }
        }
        int vocab = Math.min(model.config().vocabSize(), model.tokenizer().vocabSize());
        int[] prompt = new SplittableRandom(first.seed()).ints(first.promptTokens(), 0, vocab).toArray();
        List<Runs> runs = configs.stream().map(s -> new Runs()).toList();
        for (int rep = 0; rep <= first.repetitions(); rep++) {
            // Forced ids keep every run the same length whatever the model would pick.
            int[] ids = new SplittableRandom(first.seed() + 1 + rep).ints(first.newTokens(), 0, vocab).toArray();
            for (int i = 0; i < configs.size(); i++) {
                Settings s = configs.get(i);
                Run r = s.syntheticContext() ? decodeAtSyntheticContext(model, forward, s, ids)
                        : generate(model, forward, s, prompt, ids);
                if (rep > 0) { // repetition 0 warms up the JIT (and compiles a device backend's kernels)
                    runs.get(i).add(r);
                } else {
                    runs.get(i).firstCall = r;
                }
                progress.done(rep, i);
            }
        }
        List<Result> out = new ArrayList<>();
        for (int i = 0; i < configs.size(); i++) {
            out.add(runs.get(i).result(configs.get(i)));
        }
        return out;
    }

    private record Run(double prefillTokPerSec, double decodeTokPerSec, double selectionShare, long kvBytes,
                       long fullKvBytes, double kvEffectiveBits) {}

    private static final class Runs {
        final List<Run> runs = new ArrayList<>();
        Run firstCall;

        void add(Run r) {
            runs.add(r);
        }

        Result result(Settings s) {
            double[] p = runs.stream().mapToDouble(Run::prefillTokPerSec).toArray();
            double[] d = runs.stream().mapToDouble(Run::decodeTokPerSec).toArray();
            double[] sel = runs.stream().mapToDouble(Run::selectionShare).toArray();
            Run last = runs.getLast();
            return new Result(s, median(p), median(d), median(sel), p, d, sel, last.kvBytes(), last.fullKvBytes(),
                    last.kvEffectiveBits(), firstCall.prefillTokPerSec(), firstCall.decodeTokPerSec());
        }
    }

    private static Run generate(Model model, ForwardBackend forward, Settings s, int[] prompt, int[] ids) {
        GenerationRequest request = GenerationRequest.greedy(prompt, s.newTokens())
                .withCompression(s.compression()).withKvStorage(s.kvStorage()).withForcedIds(ids);
        GenerationResult r = new Generator(model, forward).generate(request, piece -> {});
        return new Run(r.timings().prefillTokensPerSecond(), r.timings().decodeTokensPerSecond(),
                r.timings().selectionMs() / r.timings().prefillMs(), r.cache().bytesHeld(),
                r.cache().fullKvEquivalentBytes(), r.cache().effectiveBits());
    }

    private static Run decodeAtSyntheticContext(Model model, ForwardBackend forward, Settings s, int[] ids) {
        KvCache cache = syntheticCache(model.config(), s);
        int n = s.promptTokens();
        long t0 = System.nanoTime();
        for (int i = 0; i < ids.length; i++) {
            forward.decode(ids[i], n + i, cache);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        return new Run(Double.NaN, ids.length / seconds, Double.NaN, cache.bytesHeld(), cache.fullKvEquivalentBytes(),
                cache.effectiveBits());
    }

    /**
     * A cache holding {@code promptTokens} entries of seeded N(0, 1) keys and values in every layer,
     * stored the way a prefill stores its output (every position kept).
     */
    public static KvCache syntheticCache(ModelConfig c, Settings s) {
        KvLayout layout = s.compression().layoutFor(c.numLayers(), c.numKvHeads(), c.numHeads(), c.headDim());
        int n = s.promptTokens();
        KvCache cache = new KvCache(layout, s.kvStorage(), n + s.newTokens());
        float[] k = new float[n * c.kvDim()];
        float[] v = new float[n * c.kvDim()];
        int[][] all = KeptPositions.all(layout, n);
        for (int l = 0; l < c.numLayers(); l++) {
            SplittableRandom r = new SplittableRandom(s.seed() * 1_000_003L + l);
            for (int i = 0; i < k.length; i++) {
                k[i] = (float) r.nextGaussian();
                v[i] = (float) r.nextGaussian();
            }
            cache.storePrefill(l, k, v, n, all);
        }
        return cache;
    }

    static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }
}
