package io.kvasir.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kvasir.bench.longbench.ReferenceProfile;

/**
 * The prompt limit for middle truncation that `longbench` and `ruler` share: the flag, else the reference
 * limit of the --profile's repository from the model path, else the command's fallback; with where it came from.
 */
record InputLimit(int tokens, String source) {
    /**
     * @param maxInputTokens the --max-input-tokens flag, or null
     * @param fallback       the limit when neither the flag nor the model path gives one, or null to require one
     */
    static InputLimit resolve(ModelOption model, Integer maxInputTokens, Integer fallback, ReferenceProfile profile) {
        if (maxInputTokens != null) return new InputLimit(maxInputTokens, "--max-input-tokens");
        var reference = profile.limit(model.dir.toString());
        if (reference.isPresent()) return new InputLimit(reference.getAsInt(), profile.limitSource());
        if (fallback == null) {
            throw new IllegalArgumentException("no reference input limit for model path " + model.dir
                    + " (llama2, llama3, mistral); pass --max-input-tokens");
        }
        return new InputLimit(fallback, "default (no reference limit for this model path)");
    }

    /** Records the limit and its source in a run's metadata. */
    ObjectNode record(ObjectNode metadata) {
        metadata.put("max_input_tokens", tokens);
        metadata.put("max_input_tokens_source", source);
        return metadata;
    }
}
