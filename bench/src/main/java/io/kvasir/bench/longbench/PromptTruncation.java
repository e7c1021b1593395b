package io.kvasir.bench.longbench;

import io.kvasir.tokenizer.Tokenizer;
import java.util.Arrays;
import java.util.Locale;
import java.util.OptionalInt;

/** LongBench middle truncation (docs/benchmarks.md#truncation-and-generation) and the model-path rule for the input limit. */
public final class PromptTruncation {
    private PromptTruncation() {}

    /**
     * The reference input limit for a model path: substrings of the lowercased path, last match wins
     * (llama2/llama-2 3950, llama3/llama-3 7950, mistral 31500); empty when none matches.
     */
    public static OptionalInt referenceLimit(String modelPath) {
        String p = modelPath.toLowerCase(Locale.ROOT);
        OptionalInt limit = OptionalInt.empty();
        if (p.contains("llama2") || p.contains("llama-2")) limit = OptionalInt.of(3950);
        if (p.contains("llama3") || p.contains("llama-3")) limit = OptionalInt.of(7950);
        if (p.contains("mistral")) limit = OptionalInt.of(31500);
        return limit;
    }

    /**
     * If the prompt (tokenized with BOS) exceeds limit tokens, keeps the text of the first and last
     * {@code limit/2} tokens (decoded skipping special tokens) joined; otherwise returns it unchanged.
     */
    public static String truncateMiddle(Tokenizer tokenizer, String prompt, int limit) {
        int[] ids = tokenizer.encode(prompt, true);
        if (ids.length <= limit) return prompt;
        int half = limit / 2;
        return tokenizer.decode(Arrays.copyOfRange(ids, 0, half), true)
                + tokenizer.decode(Arrays.copyOfRange(ids, ids.length - half, ids.length), true);
    }
}
