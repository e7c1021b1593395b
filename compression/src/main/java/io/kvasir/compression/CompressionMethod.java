package io.kvasir.compression;

import io.kvasir.compression.policy.CompressionPolicy;
import io.kvasir.compression.policy.KvLayout;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Everything kvasir knows about one compression method, registered once in {@link CompressionMethods}:
 * its name, which settings it accepts, the policy it builds, and how many prompt tokens it keeps, so
 * that the configuration, the byte-budget planner, the command line and the demo never switch on
 * method names. The scoring rule itself lives in the method's own package.
 */
public interface CompressionMethod {
    /** Name as typed after {@code --method} (lower case) and returned by {@link CompressionPolicy#name()}. */
    String cliName();

    /** Other accepted spellings, lower case. */
    default List<String> aliases() {
        return List.of();
    }

    /**
     * The value of {@code "method"} in the JSON of a configuration's parameters. Earlier releases
     * wrote an enum constant there, which scripts read; upper case of the name unless overridden.
     */
    default String jsonName() {
        return cliName().toUpperCase(Locale.ROOT);
    }

    /** Whether the method can drop prompt tokens; one that cannot (full) runs once per width in a sweep. */
    default boolean prunes() {
        return true;
    }

    /** Rejects, in one line naming what to change, settings this method cannot run with. */
    default void validate(CompressionConfig config) {}

    /** The policy for one sequence. */
    CompressionPolicy create(CompressionConfig config, KvLayout layout, Prompt prompt);

    /**
     * Most prompt entries each stored head of each layer keeps at a token budget for a prompt of
     * {@code promptLength} tokens, without scoring it (what the byte-budget planner counts).
     */
    int[] keptPrompt(CompressionConfig config, KvLayout layout, int budget, int promptLength);

    /** The same kept count in every layer (the answer of {@link #keptPrompt} for a method without per-layer budgets). */
    static int[] everyLayer(KvLayout layout, int kept) {
        int[] out = new int[layout.layers()];
        Arrays.fill(out, kept);
        return out;
    }

    /** Whether every layer keeps all prompt tokens at this budget, whatever the prompt's content. */
    default boolean keepsWholePrompt(CompressionConfig config, KvLayout layout, int budget, int promptLength) {
        return Arrays.stream(keptPrompt(config, layout, budget, promptLength)).allMatch(k -> k == promptLength);
    }

    /** Smallest token budget the method accepts with these settings. */
    default int minimumBudget(CompressionConfig config) {
        return 1;
    }

    /** Legal but probably unintended settings for this model, one line each. */
    default List<String> warnings(CompressionConfig config, KvLayout layout) {
        return List.of();
    }

    /**
     * What a policy may read about the request besides the prompt's K/V: its text and the name of
     * the dataset it comes from (windowkv classifies the task from them). Both may be absent.
     */
    record Prompt(Optional<String> text, Optional<String> dataset) {
        public static final Prompt UNKNOWN = new Prompt(Optional.empty(), Optional.empty());
    }
}
