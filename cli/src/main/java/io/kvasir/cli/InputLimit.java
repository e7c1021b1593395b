package io.kvasir.cli;

import io.kvasir.bench.longbench.PromptTruncation;

/**
 * The prompt limit for middle truncation that `longbench` and `ruler` share: the flag, else the reference
 * limit from the model path, else the command's fallback.
 */
final class InputLimit {
    private InputLimit() {}

    /**
     * @param maxInputTokens the --max-input-tokens flag, or null
     * @param fallback       the limit when neither the flag nor the model path gives one, or null to require one
     */
    static int resolve(ModelOption model, Integer maxInputTokens, Integer fallback) {
        if (maxInputTokens != null) return maxInputTokens;
        var reference = PromptTruncation.referenceLimit(model.dir.toString());
        if (reference.isEmpty() && fallback == null) {
            throw new IllegalArgumentException("no reference input limit for model path " + model.dir
                    + " (llama2, llama3, mistral); pass --max-input-tokens");
        }
        return reference.orElseGet(() -> fallback);
    }
}
