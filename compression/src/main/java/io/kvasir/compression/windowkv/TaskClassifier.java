package io.kvasir.compression.windowkv;

import java.util.Optional;

/**
 * Decides WindowKV's strategy for one request (docs/methods/windowkv.md#task-type-and-strategy). The reference uses a fine-tuned BERT on the
 * whole formatted prompt, but publishes no weights; implementations here are a dataset table, a
 * template heuristic and a fixed choice, and a BERT classifier can implement the same interface.
 */
public interface TaskClassifier {
    /**
     * @param prompt      the whole formatted prompt (template filled with context and question),
     *                    before token truncation
     * @param datasetName the benchmark dataset the prompt comes from, when known
     */
    WindowStrategy classify(String prompt, Optional<String> datasetName);
}
