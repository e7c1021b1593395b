package io.kvasir.compression.windowkv;

import java.util.Optional;

/** The strategy set by hand; ignores the prompt. */
public record FixedTaskClassifier(WindowStrategy strategy) implements TaskClassifier {
    @Override
    public WindowStrategy classify(String prompt, Optional<String> datasetName) {
        return strategy;
    }
}
