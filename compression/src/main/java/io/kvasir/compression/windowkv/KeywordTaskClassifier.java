package io.kvasir.compression.windowkv;

import java.util.Locale;
import java.util.Optional;

/**
 * Template heuristic for when the dataset is unknown and no BERT weights exist (docs/methods/windowkv.md#task-type-and-strategy).
 * It looks only at the first and last 400 characters, where templates put their instructions and
 * answer cues: few-shot cues mean "average"; a "Question: ... Answer:" ending means "max"; anything
 * else "average". On the 21 LongBench v1 templates it agrees with the dataset table.
 */
public final class KeywordTaskClassifier implements TaskClassifier {
    private static final int EDGE = 400;

    @Override
    public WindowStrategy classify(String prompt, Optional<String> datasetName) {
        String text = prompt.stripTrailing();
        String head = text.substring(0, Math.min(EDGE, text.length()));
        String tail = text.substring(Math.max(0, text.length() - EDGE));
        if (isFewShot(head) || isFewShot(tail)) {
            return WindowStrategy.AVERAGE;
        }
        boolean english = tail.endsWith("Answer:") && tail.contains("Question:");
        boolean chinese = tail.endsWith("回答：") && tail.contains("问题：");
        return english || chinese ? WindowStrategy.MAX : WindowStrategy.AVERAGE;
    }

    private static boolean isFewShot(String part) {
        return part.toLowerCase(Locale.ROOT).contains("some examples") || part.contains("下面是一些例子");
    }
}
