package io.kvasir.model;

import io.kvasir.compression.cache.KvCache;
import io.kvasir.compression.policy.KvLayout;
import io.kvasir.tokenizer.StreamingDecoder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/** The generation loop: prefill, then one decode step per new token, streaming text as it forms. */
public final class Generator {
    /** Alternatives recorded per step. */
    public static final int TOP_ALTERNATIVES = 5;

    private final Model model;
    private final ForwardBackend forward;

    /** Generation on the CPU backend. */
    public Generator(Model model) {
        this(model, model.forward());
    }

    /** Generation on the given backend (e.g. TornadoVM). */
    public Generator(Model model, ForwardBackend forward) {
        this.model = model;
        this.forward = forward;
    }

    /**
     * Generates from the request's prompt. {@code onText} receives text pieces as soon as they are
     * complete characters and cannot be part of a stop string.
     */
    public GenerationResult generate(GenerationRequest req, Consumer<String> onText) {
        return generate(List.of(req), onText).getFirst();
    }

    /**
     * Generates from several requests that share one prompt (the same ids; they may differ in
     * compression, storage, budget and the rest) with a single prefill: every request's cache is filled
     * from the same layer outputs by its own policy, then each request's decode loop runs on its own
     * cache. The results equal separate {@link #generate} calls', except the timings: each request's
     * prefill time is the shared prefill's less the other requests' selection time.
     */
    public List<GenerationResult> generateSharingPrefill(List<GenerationRequest> reqs) {
        return generate(reqs, ignored -> { });
    }

    /** Requests sharing one prompt, one prefill; onText receives every request's text in turn. */
    private List<GenerationResult> generate(List<GenerationRequest> reqs, Consumer<String> onText) {
        if (reqs.isEmpty()) {
            return List.of();
        }
        int[] prompt = reqs.getFirst().promptIds();
        List<PrefillTarget> targets = new ArrayList<>();
        List<TimedPolicy> policies = new ArrayList<>();
        List<KvCache> caches = new ArrayList<>();
        for (GenerationRequest req : reqs) {
            if (!Arrays.equals(req.promptIds(), prompt)) {
                throw new IllegalArgumentException("requests that share a prefill must have the same prompt ids");
            }
            checkWindow(prompt.length + req.maxNewTokens());
            CacheSession session = CacheSession.of(model, req);
            TimedPolicy policy = new TimedPolicy(session.policy());
            caches.add(session.cache());
            policies.add(policy);
            if (req.maxNewTokens() > 0) {
                targets.add(new PrefillTarget(session.cache(), policy));
            }
        }
        long t0 = System.nanoTime();
        float[] logits = targets.isEmpty() ? null : checkFinite(forward.prefill(prompt, targets), reqs.getFirst(), List.of());
        long sharedNanos = System.nanoTime() - t0;
        double selectionMs = policies.stream().mapToDouble(TimedPolicy::millis).sum();
        List<GenerationResult> results = new ArrayList<>();
        for (int i = 0; i < reqs.size(); i++) {
            GenerationRequest req = reqs.get(i);
            TimedPolicy policy = policies.get(i);
            boolean prefilled = req.maxNewTokens() > 0;
            long prefillNanos = prefilled ? sharedNanos - Math.round((selectionMs - policy.millis()) * 1e6) : 0;
            long prefillBytes = prefilled ? forward.prefillBytes(prompt.length, policy) : 0;
            // decode may overwrite the buffer the logits are in, and the min-length rule edits them
            float[] own = prefilled ? logits.clone() : null;
            results.add(decodeLoop(req, caches.get(i), prompt.length, own, prefillNanos, policy.millis(), prefillBytes, onText));
        }
        return results;
    }

    /**
     * Prefills only a context, compressed by the request's method with no question in view
     * ({@code --compress context}): the cache a cache file saves and every question is answered from.
     */
    public KvCache prefillContext(GenerationRequest context) {
        checkWindow(context.promptIds().length + context.maxNewTokens());
        CacheSession session = CacheSession.of(model, context);
        checkFinite(forward.prefill(context.promptIds(), session.cache(), session.policy()), context, List.of());
        return session.cache();
    }

    /**
     * Answers a question from a cache that holds a context ({@link #prefillContext}, or one loaded from a
     * file): the question's tokens are decoded into the cache one at a time after the context, uncompressed,
     * then the answer is generated. The cache is appended to: pass a copy to keep the context for the next
     * question. The timings' prefill is the question's decode.
     */
    public GenerationResult answer(KvCache cache, GenerationRequest question, Consumer<String> onText) {
        int[] ids = question.promptIds();
        if (ids.length == 0) {
            throw new IllegalArgumentException("the question is empty (0 tokens)");
        }
        int start = cache.tokensSeen();
        checkWindow(start + ids.length + question.maxNewTokens());
        long t0 = System.nanoTime();
        float[] logits = null;
        for (int i = 0; i < ids.length; i++) {
            logits = checkFinite(forward.decode(ids[i], start + i, cache), question, List.of());
        }
        long prefillNanos = System.nanoTime() - t0;
        return decodeLoop(question, cache, start + ids.length, logits, prefillNanos, 0, 0, onText);
    }

    private void checkWindow(int tokens) {
        ModelConfig c = model.config();
        if (c.slidingWindow() != null && tokens > c.slidingWindow()) {
            throw new ModelFormatException(model.dir().resolve("config.json") + ": sliding_window " + c.slidingWindow()
                    + " is active and kvasir implements full attention only, which matches it up to the window; "
                    + tokens + " prompt and new tokens exceed it");
        }
    }

    /**
     * Samples up to the request's new tokens, starting from the logits of the token before position
     * {@code next}, decoding each into the cache at the following position. {@code prefillBytes}: what
     * the prompt's prefill allocated (0 for a question decoded into a context's cache).
     */
    private GenerationResult decodeLoop(GenerationRequest req, KvCache cache, int next, float[] logits, long prefillNanos,
                                        double selectionMs, long prefillBytes, Consumer<String> onText) {
        ModelConfig c = model.config();
        int[] prompt = req.promptIds();
        Set<Integer> eos = new HashSet<>(c.eosTokenIds());
        for (int e : req.extraEosIds()) eos.add(e);
        Sampler sampler = new Sampler(req.sampling());
        StreamingDecoder decoder = model.tokenizer().streamingDecoder();
        StopStrings stops = new StopStrings(req.stopStrings());
        StringBuilder text = new StringBuilder();
        List<Integer> output = new ArrayList<>();
        List<GenerationResult.Step> steps = new ArrayList<>();

        long kvAfterPrefill = cache.bytesHeld();
        long decodeNanos = 0;
        int decoded = 0;
        String reason = req.forcedIds() != null ? "forced" : "max-new-tokens";
        for (int i = 0; i < req.maxNewTokens(); i++) {
            if (i < req.minNewTokens() && req.forcedIds() == null) {
                // transformers' MinLengthLogitsProcessor: EOS impossible before the minimum length
                for (int e : eos) if (e >= 0 && e < logits.length) logits[e] = Float.NEGATIVE_INFINITY;
            }
            float[] lp = LogProbs.of(logits);
            int id = req.forcedIds() != null ? req.forcedIds()[i] : sampler.sample(logits);
            int[] top = LogProbs.topIds(lp, TOP_ALTERNATIVES);
            float[] topLp = new float[top.length];
            for (int j = 0; j < top.length; j++) {
                topLp[j] = lp[top[j]];
            }
            steps.add(new GenerationResult.Step(id, lp[id], top, topLp));
            output.add(id);
            if (req.forcedIds() == null && eos.contains(id)) {
                reason = "eos";
                break;
            }
            emit(stops.accept(decoder.push(id)), text, onText);
            if (stops.stopped()) {
                reason = "stop-string";
                break;
            }
            if (i == req.maxNewTokens() - 1) {
                break;
            }
            long s = System.nanoTime();
            logits = checkFinite(forward.decode(id, next + i, cache), req, output);
            decodeNanos += System.nanoTime() - s;
            decoded++;
        }
        if (!stops.stopped()) {
            emit(stops.accept(decoder.flush()), text, onText);
            emit(stops.finish(), text, onText);
        }
        var timings = new GenerationResult.Timings(prefillNanos / 1e6, selectionMs, decodeNanos / 1e6,
                prompt.length, decoded);
        int[] ids = output.stream().mapToInt(Integer::intValue).toArray();
        var memory = new GenerationResult.Memory(prefillBytes, kvAfterPrefill, cache.bytesHeld());
        return new GenerationResult(prompt, ids, text.toString(), steps, timings, cache, reason, memory);
    }

    /**
     * One pass over the logits each step (small next to the lm_head that made them): a NaN would
     * otherwise sample token 0 forever and write NaN log-probs. The weights were checked at load, so
     * the cause is an overflow; the locator names the layer where it starts.
     */
    private float[] checkFinite(float[] logits, GenerationRequest req, List<Integer> done) {
        for (float v : logits) {
            if (!Float.isFinite(v)) {
                throw NonFiniteLocator.explain(model, req, done);
            }
        }
        return logits;
    }

    private static void emit(String piece, StringBuilder text, Consumer<String> onText) {
        if (!piece.isEmpty()) {
            text.append(piece);
            onText.accept(piece);
        }
    }
}
