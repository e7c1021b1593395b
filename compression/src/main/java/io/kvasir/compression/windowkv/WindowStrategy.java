package io.kvasir.compression.windowkv;

/**
 * WindowKV's per-request window statistic (docs/methods/windowkv.md#task-type-and-strategy), chosen by the task classifier: information
 * localization tasks (QA) look for a few strongly attended tokens, aggregation tasks (summaries,
 * few-shot, code) for windows that are attended throughout.
 */
public enum WindowStrategy {
    /** Classifier label "qa": mean of each head's top floor(w/2) token scores in the window. */
    MAX("qa"),
    /** Classifier label "other": mean over heads and all tokens of the window. */
    AVERAGE("other");

    private final String label;

    WindowStrategy(String label) {
        this.label = label;
    }

    /** The reference classifier's label for this strategy. */
    public String label() {
        return label;
    }
}
