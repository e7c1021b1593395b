package io.kvasir.bench.needle;

import io.kvasir.tokenizer.Tokenizer;
import java.util.Arrays;

/**
 * The token ids the needle may follow (a sentence break), as KVCache-Factory's {@code insert_needle} lists them per
 * {@code --model_provider} (run_needle_in_haystack.py:427-431 at c97f9d7): LLaMA3 13, Mistral 842 and 28723,
 * LLaMA (Llama-2) 29889 and 869; any other provider falls to its last branch, the ids of "." encoded without
 * special tokens. Only these exact ids count: ".\n" or " ." tokens of the same vocabulary do not.
 *
 * @param provider the reference's provider name this model maps to ("other" for the fallback)
 */
public record PeriodTokens(String provider, int[] ids) {
    public PeriodTokens {
        ids = ids.clone();
    }

    /**
     * The provider from config.json's architecture: MistralForCausalLM is Mistral; LlamaForCausalLM is LLaMA3 when
     * the vocabulary has Llama-3's {@code <|begin_of_text|>}, else LLaMA (Llama-2's SentencePiece vocabulary);
     * anything else (Qwen2...) is not listed by the reference and takes its fallback.
     */
    public static PeriodTokens forModel(String architecture, Tokenizer tokenizer) {
        return switch (architecture) {
            case "MistralForCausalLM" -> new PeriodTokens("Mistral", new int[] {842, 28723});
            case "LlamaForCausalLM" -> tokenizer.id("<|begin_of_text|>").isPresent()
                    ? new PeriodTokens("LLaMA3", new int[] {13})
                    : new PeriodTokens("LLaMA", new int[] {29889, 869});
            default -> new PeriodTokens("other", tokenizer.encode(".", false));
        };
    }

    boolean contains(int id) {
        for (int p : ids) if (p == id) return true;
        return false;
    }

    @Override
    public String toString() {
        return provider + " " + Arrays.toString(ids);
    }
}
