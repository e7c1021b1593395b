package io.kvasir.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kvasir.bench.RunMetadata;
import io.kvasir.bench.longbench.PromptTruncation;
import io.kvasir.compression.CompressionConfig;

/**
 * The set-up `longbench` and `ruler` share: the validated compression config, the prompt limit for middle
 * truncation (the flag, else the reference limit from the model path, else the command's fallback) and the
 * run metadata every result file carries.
 */
record BenchRun(CompressionConfig config, int maxInputTokens, ObjectNode metadata) {
    /**
     * @param maxInputTokens the --max-input-tokens flag, or null
     * @param fallback       the limit when neither the flag nor the model path gives one, or null to require one
     */
    static BenchRun of(ModelOption model, CompressionOptions compression, Integer maxInputTokens, Integer fallback, long seed) {
        CompressionConfig config = compression.config();
        int limit;
        if (maxInputTokens != null) {
            limit = maxInputTokens;
        } else {
            var reference = PromptTruncation.referenceLimit(model.dir.toString());
            if (reference.isEmpty() && fallback == null) {
                throw new IllegalArgumentException("no reference input limit for model path " + model.dir
                        + " (llama2, llama3, mistral); pass --max-input-tokens");
            }
            limit = reference.orElseGet(() -> fallback);
        }
        return new BenchRun(config, limit, RunMetadata.of(model.dir, config, Version.get(), seed));
    }
}
