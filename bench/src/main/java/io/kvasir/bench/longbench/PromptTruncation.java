package io.kvasir.bench.longbench;

import io.kvasir.tokenizer.Tokenizer;
import java.util.Arrays;

/**
 * LongBench middle truncation (docs/benchmarks.md#truncation-and-generation); the limit per model path is
 * {@link ReferenceProfile#limit}.
 */
public final class PromptTruncation {
    private PromptTruncation() {}

    /**
     * If the prompt (tokenized with BOS) exceeds limit tokens, keeps the text of the first and last
     * {@code limit/2} tokens (decoded skipping special tokens, cleaned up as transformers 4.x does when the
     * tokenizer config asks for it) joined; otherwise returns it unchanged.
     */
    public static String truncateMiddle(Tokenizer tokenizer, String prompt, int limit) {
        int[] ids = tokenizer.encode(prompt, true);
        if (ids.length <= limit) return prompt;
        int half = limit / 2;
        return tokenizer.decodeAsTransformers4(Arrays.copyOfRange(ids, 0, half), true)
                + tokenizer.decodeAsTransformers4(Arrays.copyOfRange(ids, ids.length - half, ids.length), true);
    }
}
