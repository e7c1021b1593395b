package io.kvasir.bench.longbench;

import java.util.Locale;
import java.util.OptionalInt;

/**
 * The reference repository a {@code --profile} reproduces, with its prompt limit for middle truncation. Both
 * repositories pick the limit by substring of the lowercased model path, last match of
 * {@code model2maxlen} wins; they differ only for Llama-3 (KVCache-Factory lowered it to 7500 in 485af3c).
 * WindowKV ships no LongBench runner; its run_demo.py:54 cuts token ids at 7950 without decoding.
 */
public enum ReferenceProfile {
    PAPER("paper", 7950, "QPruningKV 43687a2 model2maxlen, run_longbench.py:75 and run_ruler.py:34 (llama3 7950)"),
    OFFICIAL("official", 7500, "KVCache-Factory c97f9d7 model2maxlen, run_longbench.py:84 and run_ruler.py:36"
            + " (llama3 7500 since 485af3c)");

    private final String flag;
    private final int llama3Limit;
    private final String source;

    ReferenceProfile(String flag, int llama3Limit, String source) {
        this.flag = flag;
        this.llama3Limit = llama3Limit;
        this.source = source;
    }

    /** The profile named by the --profile flag. */
    public static ReferenceProfile of(String flag) {
        for (ReferenceProfile p : values()) if (p.flag.equals(flag)) return p;
        throw new IllegalArgumentException("--profile must be paper or official, got " + flag);
    }

    public String flag() {
        return flag;
    }

    /** Where the limits come from: repository, commit, file:line of its model2maxlen table. */
    public String limitSource() {
        return source;
    }

    /**
     * The reference input limit for a model path: substrings of the lowercased path, last match wins
     * (llama2/llama-2 3950, llama3/llama-3 this profile's, mistral 31500); empty when none matches.
     */
    public OptionalInt limit(String modelPath) {
        String p = modelPath.toLowerCase(Locale.ROOT);
        OptionalInt limit = OptionalInt.empty();
        if (p.contains("llama2") || p.contains("llama-2")) limit = OptionalInt.of(3950);
        if (p.contains("llama3") || p.contains("llama-3")) limit = OptionalInt.of(llama3Limit);
        if (p.contains("mistral")) limit = OptionalInt.of(31500);
        return limit;
    }
}
