package io.kvasir.bench.needle;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Needle scoring: the stored score (docs/benchmarks.md#scores) and the heatmap metric of visualize.py (docs/benchmarks.md#heatmap), for the default
 * needle and, through the two-argument forms, for any needle.
 */
public final class NeedleScores {
    public static final String NEEDLE =
            "\nThe best thing to do in San Francisco is eat a sandwich and sit in Dolores Park on a sunny day.\n";
    public static final String QUESTION = "The best thing to do in San Francisco is: ";
    private static final Set<String> EXPECTED =
            new HashSet<>(Arrays.asList("eat a sandwich and sit in dolores park on a sunny day.".split(" ")));

    private NeedleScores() {}

    /**
     * The score the reference stores per test: {@code 10 * ROUGE-1 F} of Google's rouge_score with
     * {@code use_stemmer=True}, the needle as target, the response as prediction; 0 for an empty response.
     */
    public static double rouge1x10(String response) {
        return rouge1x10(NEEDLE, response);
    }

    /** {@link #rouge1x10(String)} with the given needle as the reference. */
    public static double rouge1x10(String needle, String response) {
        if (response.isEmpty()) return 0.0;
        return 10 * rouge1F(needle, response);
    }

    /** rouge_score's ROUGE-1 fmeasure of prediction against target (stemming on). */
    public static double rouge1F(String target, String prediction) {
        java.util.Map<String, Integer> t = counts(tokenize(target)), p = counts(tokenize(prediction));
        int overlap = 0;
        for (var e : t.entrySet()) overlap += Math.min(e.getValue(), p.getOrDefault(e.getKey(), 0));
        int tn = t.values().stream().mapToInt(Integer::intValue).sum();
        int pn = p.values().stream().mapToInt(Integer::intValue).sum();
        double precision = (double) overlap / Math.max(pn, 1);
        double recall = (double) overlap / Math.max(tn, 1);
        return precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0.0;
    }

    /** rouge_score's tokenize: lowercase, non [a-z0-9] runs to spaces, Porter-stem tokens longer than 3. */
    public static java.util.List<String> tokenize(String text) {
        String t = text.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", " ");
        java.util.List<String> out = new java.util.ArrayList<>();
        for (String tok : t.split("\\s+")) {
            String s = tok.length() > 3 ? PorterStemmer.stem(tok) : tok;
            if (s.matches("[a-z0-9]+")) out.add(s);
        }
        return out;
    }

    private static java.util.Map<String, Integer> counts(java.util.List<String> tokens) {
        java.util.Map<String, Integer> m = new java.util.HashMap<>();
        tokens.forEach(x -> m.merge(x, 1, Integer::sum));
        return m;
    }

    /**
     * {@code |set(response.lower().split()) ∩ E| / |E|} with E the 11 distinct words of the needle's answer
     * ("day." keeps its period): the number papers quote.
     */
    public static double heatmap(String response) {
        return heatmap(EXPECTED, response);
    }

    /** {@code |set(response.lower().split()) ∩ expected| / |expected|}. */
    public static double heatmap(Set<String> expected, String response) {
        Set<String> words = new HashSet<>(io.kvasir.bench.longbench.PyText.split(response.toLowerCase(Locale.ROOT)));
        words.retainAll(expected);
        return (double) words.size() / expected.size();
    }

    /**
     * The distinct lowercased words the heatmap looks for in an answer: the needle's words after a leading
     * restatement of the question (the question without its trailing colon and spaces), else all its words.
     * For the default needle and question these are visualize.py's 11 words.
     */
    public static Set<String> answerWords(String needle, String question) {
        String n = needle.strip();
        String q = question.strip().replaceAll("[:\\s]+$", "");
        if (!q.isEmpty() && n.toLowerCase(Locale.ROOT).startsWith(q.toLowerCase(Locale.ROOT)) && n.length() > q.length()) {
            n = n.substring(q.length());
        }
        Set<String> words = new HashSet<>(io.kvasir.bench.longbench.PyText.split(n.toLowerCase(Locale.ROOT)));
        if (words.isEmpty()) throw new IllegalArgumentException("--needle has no words to look for in the answer");
        return words;
    }
}
