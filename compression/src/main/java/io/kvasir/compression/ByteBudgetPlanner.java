package io.kvasir.compression;

import java.util.Locale;

/**
 * Chooses bits and per-layer token counts that fit one byte budget ({@code --kv-budget}).
 *
 * <p>The rule (documented in README and tested):
 * <ol>
 *   <li>If the whole prompt plus the new tokens fits at 16, then 8, then 4 bits (tried in that
 *       order), store at the first that fits and prune nothing: precision is only given up when
 *       needed.</li>
 *   <li>Otherwise prune with the selection method at 4 bits, with the largest token budget whose
 *       cache fits ("more tokens, lower precision": at equal memory the paper finds 4 bits with 4x
 *       the tokens better than 16 bits, while 2 bits loses quality).</li>
 *   <li>If no 4-bit token budget fits (the method needs more than its observation window), do the
 *       same at 2 bits; if that fails too the budget is too small for any configuration.</li>
 * </ol>
 * Bytes are counted by the storage's own formula, per layer and stored head: b-bit entries cost
 * {@code 2 * D * (b/8 + 4/G)} bytes (codes, fp16 scale and zero per group), and up to
 * {@code R + G - 1} of the most recent entries wait in the fp16 residual at {@code 2 * D * 2}.
 */
public final class ByteBudgetPlanner {
    private ByteBudgetPlanner() {}

    /** Bytes one stored head of one layer holds for {@code tokens} entries at {@code bits} (upper bound). */
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
        if (base.scheme() == QuantScheme.REFERENCE) {
            throw new IllegalArgumentException("--kv-budget plans --quant kivi or kvquant storage, not reference");
        }
        if (config.method() == CompressionMethod.WINDOWKV) {
            throw new IllegalArgumentException("--kv-budget does not plan windowkv yet (its windows decide the token"
                    + " count); use --budget with --kv-bits");
        }
        for (int bits : new int[] {16, 8, 4}) {
            KvStorage s = withBits(base, bits);
            if (fits(s, layout)) {
                long bytes = bytes(layout, s, config, Integer.MAX_VALUE, promptLength, newTokens);
                if (bytes <= limitBytes) {
                    return new ByteBudgetPlan(s, config.withBudget(Math.max(config.budget(), promptLength)), false,
                            layerTokens(layout, config, Integer.MAX_VALUE, promptLength, newTokens), bytes, limitBytes,
                            String.format(Locale.ROOT, "all %d prompt + %d new tokens fit at %d bits (%d bytes of %d);"
                                    + " no pruning", promptLength, newTokens, bits, bytes, limitBytes));
                }
            }
        }
        if (config.method() == CompressionMethod.FULL) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "--kv-budget %d bytes is too small for %d tokens"
                    + " even at 4 bits and method full prunes nothing; choose a --method or a larger budget",
                    limitBytes, promptLength + newTokens));
        }
        for (int bits : new int[] {4, 2}) {
            KvStorage s = withBits(base, bits);
            if (!fits(s, layout)) {
                continue;
            }
            int best = -1;
            int lo = minimumBudget(config);
            int hi = Math.max(lo, promptLength);
            if (bytes(layout, s, config, lo, promptLength, newTokens) > limitBytes) {
                continue;
            }
            while (lo <= hi) { // bytes grow with the token budget: largest budget that fits
                int mid = (lo + hi) >>> 1;
                if (bytes(layout, s, config, mid, promptLength, newTokens) <= limitBytes) {
                    best = mid;
                    lo = mid + 1;
                } else {
                    hi = mid - 1;
                }
            }
            long bytes = bytes(layout, s, config, best, promptLength, newTokens);
            return new ByteBudgetPlan(s, config.withBudget(best), true,
                    layerTokens(layout, config, best, promptLength, newTokens), bytes, limitBytes,
                    String.format(Locale.ROOT, "%d prompt + %d new tokens do not fit at 4 bits or more; %s keeps"
                                    + " budget %d tokens per layer and head at %d bits (%d bytes of %d)%s",
                            promptLength, newTokens, config.method().cliName(), best, bits, bytes, limitBytes,
                            bits == 2 ? "; 4 bits could not hold more than the observation window" : ""));
        }
        throw new IllegalArgumentException(String.format(Locale.ROOT, "--kv-budget %d bytes is too small for any"
                + " configuration: %s needs at least %d tokens per layer and head, %d bytes at 2 bits",
                limitBytes, config.method().cliName(), minimumBudget(config),
                bytes(layout, withBits(base, 2), config, minimumBudget(config), promptLength, newTokens)));
    }

    private static boolean fits(KvStorage s, KvLayout layout) {
        try {
            s.check(layout.layers(), layout.headDim());
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static KvStorage withBits(KvStorage base, int bits) {
        return new KvStorage(bits, base.scheme(), base.group(), base.residual(), base.outlierThreshold(), 0, 0, 16, false);
    }

    private static int minimumBudget(CompressionConfig config) {
        return switch (config.method()) {
            case H2O, SNAPKV, PYRAMIDKV -> config.window() + 1;
            case STREAMING_LLM -> config.sinkTokens() + 1;
            default -> 1;
        };
    }

    /** Kept prompt entries plus new tokens, per layer, at a token budget. */
    static int[] layerTokens(KvLayout layout, CompressionConfig config, int budget, int n, int m) {
        int[] out = new int[layout.layers()];
        for (int l = 0; l < out.length; l++) {
            int kept;
            if (config.method() == CompressionMethod.FULL || n <= budget) {
                kept = n;
            } else if (config.method() == CompressionMethod.PYRAMIDKV) {
                kept = Math.min(n, new PyramidBudget(layout.layers(), budget, config.window(), config.pyramidBeta())
                        .selected(l, n) + config.window());
            } else {
                kept = budget;
            }
            // The last generated token is never fed back (spec 1.2), but counting it keeps the bound safe.
            out[l] = kept + m;
        }
        return out;
    }

    static long bytes(KvLayout layout, KvStorage s, CompressionConfig config, int budget, int n, int m) {
        long total = 0;
        for (int tokens : layerTokens(layout, config, budget, n, m)) {
            total += layout.storedHeads() * headBytes(tokens, s.bits(), layout.headDim(), s.group(), s.residual());
        }
        return total;
    }
}
