package io.kvasir.compression;

import io.kvasir.compression.quant.ReferenceLayerQuantizer;
import io.kvasir.compression.windowkv.WindowKvPolicy;
import io.kvasir.compression.windowkv.WindowStrategy;
import java.util.Arrays;
import java.util.Locale;

/**
 * Chooses bits and per-layer token counts that fit one byte budget ({@code --kv-budget}), for any
 * selection method and quantization scheme.
 *
 * <p>The rule (also in README, tested in ByteBudgetPlannerTest):
 * <ol>
 *   <li>Keep every prompt token at the first of 16, 8, 4 bits whose cache fits: precision is only
 *       given up when needed. The method's token budget is raised until it prunes nothing (for
 *       pyramidkv and windowkv that can be more than the prompt length, because their deepest layers
 *       get a fraction of the mean budget).</li>
 *   <li>Otherwise prune with the selection method at 4 bits, with the largest token budget whose
 *       cache fits ("more tokens, lower precision": at equal memory the seed paper finds 4 bits with
 *       4x the tokens better than 16 bits, while 2 bits loses quality). The budget means what
 *       {@code --budget} means for the method (windowkv: the mean review budget per layer).</li>
 *   <li>If no 4-bit budget fits (the method's smallest budget, e.g. its observation window, is
 *       already too big), do the same at 2 bits.</li>
 *   <li>Otherwise fail with one line: the budget is too small for any configuration, and the bytes
 *       of the smallest one. Method {@code full}, which cannot prune, fails after step 1. A group
 *       size the codes cannot use fails with its own line.</li>
 * </ol>
 *
 * <p>Bytes are the storage's own accounting, per layer and stored head, an upper bound of what the
 * cache holds after the last new token: 16-bit entries cost {@code 2 * D * 2}; kivi / kvquant b-bit
 * entries {@code 2 * D * (b/8 + 4/G)} (codes, fp16 scale and zero per group) with up to
 * {@code R + G - 1} of the most recent in the fp16 residual; reference-layout prompt entries the
 * same, their group metadata shared by the layer's heads, and every new token fp16. kvquant's
 * outliers (6 bytes each) cannot be known before the K/V are seen and are not counted. Windowkv
 * counts are bounds from its group budgets (the partial window counted as full); with task type
 * auto the larger of its two observation windows is assumed.
 */
public final class ByteBudgetPlanner {
    private static final int[] WHOLE_PROMPT_BITS = {16, 8, 4};
    private static final int[] PRUNED_BITS = {4, 2};
    /** How far above the prompt length the no-pruning budget is looked for. */
    private static final int WHOLE_PROMPT_SEARCH_FACTOR = 64;

    private ByteBudgetPlanner() {}

    /** Bytes one stored head of one layer holds for {@code tokens} entries at {@code bits}, kivi layout (upper bound). */
    public static long headBytes(int tokens, int bits, int headDim, int group, int residual) {
        if (bits >= 16) {
            return 2L * tokens * headDim * (bits / 8);
        }
        int fp16 = Math.min(tokens, residual + group - 1);
        int coded = tokens - fp16;
        // Codes plus scale and zero per group: keys per G tokens per channel, values per token per G channels.
        long codes = 2L * coded * headDim * bits / 8;
        long meta = 2L * 2 * ((long) Math.ceilDiv(coded, group) * headDim + (long) coded * (headDim / group));
        return codes + meta + 2L * 2 * fp16 * headDim;
    }

    /** The plan for a prompt of {@code promptLength} tokens followed by {@code newTokens}. */
    public static ByteBudgetPlan plan(long limitBytes, KvLayout layout, CompressionConfig config, KvStorage base,
                                      int promptLength, int newTokens) {
        if (limitBytes <= 0) {
            throw new IllegalArgumentException("--kv-budget must be positive, got " + limitBytes + " bytes");
        }
        if (base.layerQuant()) {
            throw new IllegalArgumentException("--kv-budget chooses the bits itself; drop --layer-quant-bits");
        }
        int n = promptLength;
        int m = newTokens;
        int whole = wholePromptBudget(layout, config, n);
        String shapeProblem = null;
        if (whole > 0) {
            for (int bits : WHOLE_PROMPT_BITS) {
                KvStorage s = base.withBits(bits);
                String problem = shapeProblem(s, layout);
                if (problem != null) {
                    shapeProblem = problem;
                    continue;
                }
                long bytes = bytes(layout, s, config, whole, n, m);
                if (bytes <= limitBytes) {
                    return new ByteBudgetPlan(s, config.withBudget(whole), false, layerTokens(layout, config, whole, n, m),
                            bytes, limitBytes, String.format(Locale.ROOT, "all %d prompt + %d new tokens fit at %d bits"
                                    + " (%d bytes of %d); no pruning", n, m, bits, bytes, limitBytes));
                }
            }
        }
        if (config.method() == CompressionMethod.FULL) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "--kv-budget %d bytes is too small for %d"
                    + " tokens even at 4 bits (%d bytes) and method full prunes nothing; choose a --method or a larger budget",
                    limitBytes, n + m, bytes(layout, base.withBits(4), config, whole, n, m)));
        }
        int lowest = minimumBudget(config);
        int highest = whole > 0 ? whole : WHOLE_PROMPT_SEARCH_FACTOR * Math.max(n, config.budget());
        boolean storable = false;
        for (int bits : PRUNED_BITS) {
            KvStorage s = base.withBits(bits);
            String problem = shapeProblem(s, layout);
            if (problem != null) {
                shapeProblem = problem;
                continue;
            }
            storable = true;
            // Largest budget that fits. Bytes need not grow with the budget (pyramidkv's and windowkv's
            // floored steps), so scan down instead of bisecting; each step costs O(layers).
            for (int budget = highest; budget >= lowest; budget--) {
                long bytes = bytes(layout, s, config, budget, n, m);
                if (bytes <= limitBytes) {
                    boolean pruned = budget != whole;
                    return new ByteBudgetPlan(s, config.withBudget(budget), pruned,
                            layerTokens(layout, config, budget, n, m), bytes, limitBytes,
                            String.format(Locale.ROOT, "%d prompt + %d new tokens do not fit at 4 bits or more; %s at"
                                            + " %d bits (%d bytes of %d)%s", n, m, pruned ? config.method().cliName()
                                            + " keeps budget " + budget + " tokens" : "every token kept", bits, bytes,
                                    limitBytes, bits == 2 && pruned ? "; at 4 bits even its smallest budget did not fit" : ""));
                }
            }
        }
        if (!storable) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "--kv-budget %d bytes does not hold the prompt"
                    + " at 16 bits and codes cannot be used: %s", limitBytes, shapeProblem));
        }
        throw new IllegalArgumentException(String.format(Locale.ROOT, "--kv-budget %d bytes is too small for any"
                + " configuration: %s needs a budget of at least %d tokens, %d bytes at 2 bits",
                limitBytes, config.method().cliName(), lowest, bytes(layout, base.withBits(2), config, lowest, n, m)));
    }

    /** Why the storage cannot hold this layout's heads, or null when it can. */
    private static String shapeProblem(KvStorage s, KvLayout layout) {
        try {
            s.check(layout.layers(), layout.headDim());
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
        // The reference layout quantizes a layer's heads x tokens x channels in runs of G; requiring G to
        // divide heads x channels makes every token count quantizable, whatever the method keeps.
        int row = layout.storedHeads() * layout.headDim();
        if (s.bits() <= 8 && s.scheme() == QuantScheme.REFERENCE && row % s.group() != 0) {
            return "--kv-budget with --quant reference needs --quant-group " + s.group() + " to divide stored heads x head"
                    + " dimension (" + row + ") so that any token count can be quantized";
        }
        return null;
    }

    /**
     * The smallest budget, from the prompt length up, at which the method keeps every prompt token
     * in every layer, or -1 if none up to {@link #WHOLE_PROMPT_SEARCH_FACTOR} x the prompt length.
     */
    static int wholePromptBudget(KvLayout layout, CompressionConfig config, int n) {
        long limit = (long) WHOLE_PROMPT_SEARCH_FACTOR * Math.max(n, config.budget());
        int start = Math.max(minimumBudget(config), n);
        for (long b = start; b <= limit; b *= 2) {
            int budget = (int) b;
            if (keepsWholePrompt(layout, config, budget, n)) {
                // Doubling overshoots: walk back to the smallest budget that still keeps everything.
                int lo = budget == start ? budget : budget / 2 + 1;
                for (int c = lo; c < budget; c++) {
                    if (keepsWholePrompt(layout, config, c, n)) {
                        return c;
                    }
                }
                return budget;
            }
        }
        return -1;
    }

    /** Whether every layer keeps all n prompt tokens at this budget (windowkv: whichever strategy a prompt gets). */
    private static boolean keepsWholePrompt(KvLayout layout, CompressionConfig config, int budget, int n) {
        for (WindowStrategy strategy : strategies(config)) {
            int[] kept = config.method() == CompressionMethod.WINDOWKV
                    ? WindowKvPolicy.keptUpperBound(layout.layers(), config.windowKv(), budget, strategy, n)
                    : keptPrompt(layout, config, budget, n);
            // windowkv's bound equals n only when the review region fits the budget, i.e. nothing is pruned.
            if (Arrays.stream(kept).anyMatch(k -> k != n)) {
                return false;
            }
        }
        return true;
    }

    /** The windowkv strategies a prompt may get: the fixed one, or both with task type auto. */
    private static WindowStrategy[] strategies(CompressionConfig config) {
        return config.windowKv().taskType().fixedStrategy().map(s -> new WindowStrategy[] {s})
                .orElse(WindowStrategy.values());
    }

    private static int minimumBudget(CompressionConfig config) {
        return switch (config.method()) {
            case H2O, SNAPKV, PYRAMIDKV -> config.window() + 1;
            case STREAMING_LLM -> config.sinkTokens() + 1;
            default -> 1;
        };
    }

    /** Prompt entries each stored head of each layer keeps at a token budget (an upper bound for windowkv). */
    static int[] keptPrompt(KvLayout layout, CompressionConfig config, int budget, int n) {
        int layers = layout.layers();
        int[] out = new int[layers];
        switch (config.method()) {
            case FULL -> Arrays.fill(out, n);
            case STREAMING_LLM, H2O, SNAPKV -> Arrays.fill(out, Math.min(n, budget));
            case PYRAMIDKV -> {
                PyramidBudget pyramid = new PyramidBudget(layers, budget, config.window(), config.pyramidBeta());
                for (int l = 0; l < layers; l++) {
                    out[l] = n <= budget ? n : Math.min(n, pyramid.selected(l, n) + config.window());
                }
            }
            case WINDOWKV -> {
                // Task type auto decides the strategy per prompt; count the one that keeps more.
                for (WindowStrategy strategy : strategies(config)) {
                    int[] kept = WindowKvPolicy.keptUpperBound(layers, config.windowKv(), budget, strategy, n);
                    for (int l = 0; l < layers; l++) {
                        out[l] = Math.max(out[l], kept[l]);
                    }
                }
            }
        }
        return out;
    }

    /** Kept prompt entries plus new tokens, per layer, at a token budget. */
    static int[] layerTokens(KvLayout layout, CompressionConfig config, int budget, int n, int m) {
        int[] kept = keptPrompt(layout, config, budget, n);
        // The last generated token is never fed back (docs/methods/common.md#positions-and-decode), but counting it keeps the bound safe.
        return Arrays.stream(kept).map(k -> k + m).toArray();
    }

    static long bytes(KvLayout layout, KvStorage s, CompressionConfig config, int budget, int n, int m) {
        long total = 0;
        for (int kept : keptPrompt(layout, config, budget, n)) {
            total += layerBytes(layout, s, kept, m);
        }
        return total;
    }

    /** Bytes of one layer whose stored heads keep {@code kept} prompt entries and then receive m new tokens. */
    static long layerBytes(KvLayout layout, KvStorage s, int kept, int m) {
        int heads = layout.storedHeads();
        int dim = layout.headDim();
        if (s.bits() <= 8 && s.scheme() == QuantScheme.REFERENCE) {
            // The kept prompt is quantized once; generated tokens stay half precision (docs/methods/reference.md#the-rule).
            long perHead = 2L * kept * dim * s.bits() / 8
                    + ReferenceLayerQuantizer.metadataBytesPerHead(heads, kept, dim, s.group())
                    + 2L * Short.BYTES * m * dim;
            return heads * perHead;
        }
        return heads * headBytes(kept + m, s.bits(), dim, s.group(), s.residual());
    }
}
