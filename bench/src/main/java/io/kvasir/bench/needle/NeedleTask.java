package io.kvasir.bench.needle;

import java.util.Set;

/**
 * What a needle run hides and asks: the needle sentence, the question and the prompt template with its
 * {@code {context}} and {@code {question}} placeholders. Scores use this needle: the stored score is
 * 10 x ROUGE-1 F against it (docs/benchmarks.md#scores), the heatmap the share of its answer words in the response (docs/benchmarks.md#heatmap).
 */
public record NeedleTask(String needle, String question, String template) {
    /** The prompt of docs/benchmarks.md#prompt-and-generation (not a chat template; the im_start marker tokenizes as text for Llama-3). */
    public static final String DEFAULT_TEMPLATE = "<|im_start|> This is a very long story book: <book> {context} </book>.\n"
            + " Based on the content of the book, Question: {question}\nAnswer:";
    public static final NeedleTask DEFAULT = new NeedleTask(NeedleScores.NEEDLE, NeedleScores.QUESTION, DEFAULT_TEMPLATE);

    public NeedleTask {
        if (needle.isBlank()) throw new IllegalArgumentException("--needle is empty");
        if (!template.contains("{context}") || !template.contains("{question}")) {
            throw new IllegalArgumentException("--template must contain {context} and {question}, got '" + template + "'");
        }
        NeedleScores.answerWords(needle, question); // fails now, not after the first generation
    }

    /** The template filled in; the context goes in last so that text inside it is never taken for a placeholder. */
    public String prompt(String context) {
        return template.replace("{question}", question).replace("{context}", context);
    }

    /** The stored score, 0..10. */
    public double score(String response) {
        return NeedleScores.rouge1x10(needle, response);
    }

    /** The heatmap's score, 0..1. */
    public double recall(String response) {
        return NeedleScores.heatmap(answerWords(), response);
    }

    public Set<String> answerWords() {
        return NeedleScores.answerWords(needle, question);
    }
}
