package io.kvasir.bench.demo;

import io.kvasir.compression.CompressionConfig;
import io.kvasir.compression.cache.KvStorage;
import io.kvasir.model.GenerationRequest;
import io.kvasir.model.GenerationResult;
import io.kvasir.model.Generator;
import io.kvasir.model.Model;
import io.kvasir.model.SamplingSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The retrieval sweep behind {@code kvasir demo}: every (length, depth, sample) prompt is answered
 * greedily under every method, prompt-major, so that all methods meet the same questions and the same
 * machine noise. Each prompt is prefilled once for all methods ({@link Generator#generateSharingPrefill}),
 * which gives the same answers as one prefill per method. One untimed warm-up generation runs first so
 * that JIT compilation does not land on the first method's timings.
 */
public final class DemoSweep {
    /** One configuration to compare: a selection method and how its cache is stored. */
    public record Method(String label, CompressionConfig compression, KvStorage storage) {
        /**
         * A method at a token budget per layer and KV head, with an observation window for the methods
         * that have one; the label gets " @budget" unless the method keeps everything.
         */
        public static Method of(String name, int budget, int window, KvStorage storage, String label) {
            CompressionConfig config = CompressionConfig.builder().method(name).budget(budget).window(window).build();
            boolean full = !config.method().prunes();
            return new Method(full ? label : label + " @" + budget, config, storage);
        }
    }

    /** What a sweep measures for one method; sums over all its prompts. */
    public static final class Result {
        public final Method method;
        /** correct / asked per (depth, length) cell */
        public final int[][] correct, asked;
        public long kvBytes, fullKvBytes, cachedTokens, cachedHeads, prefillTokens, decodeTokens;
        public double prefillMs, decodeMs;
        /** Sum over prompts of the cache's bits per entry from the bytes held. */
        public double effectiveBits;

        Result(Method method, int depths, int lengths) {
            this.method = method;
            this.correct = new int[depths][lengths];
            this.asked = new int[depths][lengths];
        }

        public int totalCorrect() {
            int s = 0;
            for (int[] row : correct) for (int v : row) s += v;
            return s;
        }

        public int totalAsked() {
            int s = 0;
            for (int[] row : asked) for (int v : row) s += v;
            return s;
        }

        public double accuracy() {
            return (double) totalCorrect() / Math.max(1, totalAsked());
        }

        /** Accuracy over the cells whose depth lies in [fromPercent, toPercent]. */
        public double accuracy(List<Integer> depths, int fromPercent, int toPercent) {
            int c = 0, a = 0;
            for (int r = 0; r < depths.size(); r++) {
                if (depths.get(r) < fromPercent || depths.get(r) > toPercent) continue;
                for (int l = 0; l < correct[r].length; l++) {
                    c += correct[r][l];
                    a += asked[r][l];
                }
            }
            return (double) c / Math.max(1, a);
        }

        /** Accuracy per (depth, length) cell, NaN where nothing was asked. */
        public double[][] table() {
            double[][] t = new double[correct.length][];
            for (int r = 0; r < t.length; r++) {
                t[r] = new double[correct[r].length];
                for (int l = 0; l < t[r].length; l++) t[r][l] = asked[r][l] == 0 ? Double.NaN : (double) correct[r][l] / asked[r][l];
            }
            return t;
        }

        public double meanKvBytes() {
            return (double) kvBytes / Math.max(1, totalAsked());
        }

        /** Mean bits per cached entry (codes, scales, zeros and residual from the bytes held), beside the requested width. */
        public double meanEffectiveBits() {
            return effectiveBits / Math.max(1, totalAsked());
        }

        public double meanFullKvBytes() {
            return (double) fullKvBytes / Math.max(1, totalAsked());
        }

        /** Mean tokens held per stored head when generation ended. */
        public double meanCachedTokens() {
            return (double) cachedTokens / Math.max(1, cachedHeads);
        }

        public double prefillTokensPerSecond() {
            return prefillTokens / (prefillMs / 1000.0);
        }

        public double decodeTokensPerSecond() {
            return decodeTokens / (decodeMs / 1000.0);
        }
    }

    /** Progress: prompts answered so far, out of total. */
    public interface Progress {
        void update(int done, int total, String what);
    }

    private final Model model;
    private final RetrievalPrompts prompts;
    private final List<Integer> lengths, depths;
    private final int samples, maxNewTokens;
    private final long seed;

    public DemoSweep(Model model, RetrievalTask task, List<Integer> lengths, List<Integer> depths, int samples, long seed) {
        if (lengths.isEmpty() || depths.isEmpty()) throw new IllegalArgumentException("the sweep needs lengths and depths");
        if (samples < 1) throw new IllegalArgumentException("--samples must be at least 1, got " + samples);
        for (int d : depths) if (d < 0 || d > 100) throw new IllegalArgumentException("--depths must be percentages 0..100, got " + d);
        this.model = model;
        this.prompts = new RetrievalPrompts(task, model.tokenizer(), model.chatTemplate());
        this.lengths = List.copyOf(lengths);
        this.depths = List.copyOf(depths);
        this.samples = samples;
        this.seed = seed;
        this.maxNewTokens = task.valueDigits() + 4;
        for (int length : lengths) prompts.make(length, 50, seed); // a length too short for the template fails now
    }

    public List<Result> run(List<Method> methods, Progress progress) {
        Generator generator = new Generator(model);
        List<Result> results = new ArrayList<>();
        for (Method m : methods) results.add(new Result(m, depths.size(), lengths.size()));
        generator.generate(request(prompts.make(lengths.get(0), 50, seed - 1).ids(), methods.get(0)), ignored -> { });
        int total = lengths.size() * depths.size() * samples * methods.size(), done = 0;
        for (int l = 0; l < lengths.size(); l++) {
            for (int d = 0; d < depths.size(); d++) {
                for (int s = 0; s < samples; s++) {
                    RetrievalPrompts.Prompt p = prompts.make(lengths.get(l), depths.get(d), cellSeed(l, d, s));
                    progress.update(done, total, lengths.get(l) + " tokens, depth " + depths.get(d) + "%, every method");
                    // one prefill serves every method: a layer's output does not depend on what a cache keeps
                    List<GenerationRequest> requests = new ArrayList<>();
                    for (Result r : results) requests.add(request(p.ids(), r.method));
                    List<GenerationResult> answers = generator.generateSharingPrefill(requests);
                    for (int i = 0; i < results.size(); i++) {
                        GenerationResult g = answers.get(i);
                        record(results.get(i), d, l, RetrievalPrompts.correct(p, g.text()), g);
                    }
                    done += results.size();
                }
            }
        }
        progress.update(done, total, "done");
        return results;
    }

    private long cellSeed(int l, int d, int s) {
        return seed * 1_000_003L + lengths.get(l) * 7919L + depths.get(d) * 101L + s;
    }

    private GenerationRequest request(int[] ids, Method m) {
        return new GenerationRequest(ids, maxNewTokens, SamplingSettings.GREEDY, List.of("\n"), m.compression(),
                m.storage(), null, null);
    }

    private static void record(Result r, int d, int l, boolean correct, GenerationResult g) {
        r.asked[d][l]++;
        if (correct) r.correct[d][l]++;
        r.kvBytes += g.cache().bytesHeld();
        r.effectiveBits += g.cache().effectiveBits();
        r.fullKvBytes += g.cache().fullKvEquivalentBytes();
        for (int[] layer : g.cache().lengths()) {
            for (int n : layer) {
                r.cachedTokens += n;
                r.cachedHeads++;
            }
        }
        r.prefillTokens += g.timings().promptTokens();
        r.prefillMs += g.timings().prefillMs();
        r.decodeTokens += g.timings().decodedTokens();
        r.decodeMs += g.timings().decodeMs();
    }
}
