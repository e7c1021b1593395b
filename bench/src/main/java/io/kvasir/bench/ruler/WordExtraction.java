package io.kvasir.bench.ruler;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * RULER's aggregation tasks (scripts/data/synthetic/common_words_extraction.py, freq_words_extraction.py),
 * templates from constants.py. An example is drawn once; {@code input(units)} then renders it at any size so
 * the generator can search for the largest that fits the token budget.
 */
final class WordExtraction {
    static final String CWE_TEMPLATE = "Below is a numbered list of words. In these words, some appear more often than"
            + " others. Memorize the ones that appear most often.\n{context}\nQuestion: What are the 10 most common words"
            + " in the above list?";
    static final String CWE_ANSWER_PREFIX = " Answer: The top 10 words that appear most often in the list are:";
    static final String FWE_TEMPLATE = "Read the following coded text and track the frequency of each coded word. Find"
            + " the three most frequently appeared coded words. {context}\nQuestion: Do not provide any explanation."
            + " Please ignore the dots '....'. What are the three most frequently appeared words in the above coded text?";
    static final String FWE_ANSWER_PREFIX = " Answer: According to the coded text above, the three most frequently"
            + " appeared words are:";
    /** RULER synthetic.yaml cwe: 10 common words; below 4096 tokens RULER lowers the repeats (6 and 1). */
    static final int COMMON_WORDS = 10;
    /** zeta(2) = pi^2 / 6, the normaliser of fwe's Zipf counts (alpha = 2). */
    private static final double ZETA_2 = Math.PI * Math.PI / 6;

    private WordExtraction() {}

    /** A cwe example: a one-shot demonstration and the word order of the real list. */
    record Cwe(String fewShot, List<String> words, int commonRepeats, int uncommonRepeats, long shuffleSeed) {
        /** The prompt with the first {@code units} words of the drawn order (10 common, the rest uncommon). */
        String input(int units) {
            int n = Math.max(COMMON_WORDS + 1, Math.min(units, words.size()));
            String context = numberedList(words.subList(0, n), commonRepeats, uncommonRepeats, shuffleSeed);
            return fewShot + "\n" + (CWE_TEMPLATE + CWE_ANSWER_PREFIX).replace("{context}", context);
        }

        List<String> answers() {
            return words.subList(0, COMMON_WORDS);
        }
    }

    /**
     * Draws a cwe example from distinct words: the shuffled single words come first and the shuffled compounds
     * after them, so short contexts use plain words (as RULER's wonderwords lists) and long ones still find
     * enough distinct words (RULER switches to a bigger list there). RULER's repeat
     * counts: 30 common / 3 uncommon at 4096 tokens and above, else 6 / 1, with a one-shot demonstration of
     * 40 words (10 / 3) or 20 words (3 / 1).
     */
    static Cwe drawCwe(Random random, List<String> singles, List<String> compounds, int maxSeqLength) {
        boolean full = maxSeqLength >= 4096;
        List<String> demo = new ArrayList<>(singles);
        Collections.shuffle(demo, random);
        demo = demo.subList(0, full ? 40 : 20);
        String demoList = numberedList(demo, full ? 10 : 3, full ? 3 : 1, random.nextLong());
        String fewShot = (CWE_TEMPLATE + CWE_ANSWER_PREFIX).replace("{context}", demoList) + " "
                + numbered(demo.subList(0, COMMON_WORDS));
        List<String> words = new ArrayList<>(singles);
        Collections.shuffle(words, random);
        List<String> more = new ArrayList<>(compounds);
        Collections.shuffle(more, random);
        words.addAll(more);
        return new Cwe(fewShot, words, full ? 30 : 6, full ? 3 : 1, random.nextLong());
    }

    /** {@code common * c + uncommon * u}, shuffled, written as "1. w1 2. w2 ...". */
    private static String numberedList(List<String> words, int commonRepeats, int uncommonRepeats, long seed) {
        List<String> list = new ArrayList<>();
        for (int r = 0; r < commonRepeats; r++) list.addAll(words.subList(0, COMMON_WORDS));
        for (int r = 0; r < uncommonRepeats; r++) list.addAll(words.subList(COMMON_WORDS, words.size()));
        Collections.shuffle(list, new Random(seed));
        return numbered(list);
    }

    private static String numbered(List<String> words) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < words.size(); i++) {
            if (i > 0) sb.append(' ');
            sb.append(i + 1).append(". ").append(words.get(i));
        }
        return sb.toString();
    }

    /** An fwe example: a coded vocabulary whose first word is the noise "...". */
    record Fwe(List<String> vocab, long shuffleSeed) {
        /**
         * The prompt with {@code units} words in total: vocabulary word k (1-based) appears
         * floor(units * k^-2 / zeta(2)) times, so "..." is the most frequent and words 2-4 are the answer.
         */
        String input(int units) {
            List<String> text = new ArrayList<>();
            for (int k = 1; k <= vocab.size(); k++) {
                int count = (int) (units * Math.pow(k, -2.0) / ZETA_2);
                for (int c = 0; c < count; c++) text.add(vocab.get(k - 1));
            }
            Collections.shuffle(text, new Random(shuffleSeed));
            return (FWE_TEMPLATE + FWE_ANSWER_PREFIX).replace("{context}", String.join(" ", text));
        }

        List<String> answers() {
            return vocab.subList(1, 4);
        }
    }

    /** RULER: vocabulary of (max_seq_length - tokens_to_generate) // 50 random 6-letter words, at least 5 here. */
    static Fwe drawFwe(Random random, int inputBudget) {
        int size = Math.max(5, inputBudget / 50);
        Set<String> vocab = new LinkedHashSet<>();
        while (vocab.size() < size) {
            StringBuilder w = new StringBuilder();
            for (int i = 0; i < 6; i++) w.append((char) ('a' + random.nextInt(26)));
            vocab.add(w.toString());
        }
        List<String> list = new ArrayList<>(vocab);
        Collections.shuffle(list, random);
        list.set(0, "..."); // RULER: the top-ranked word is noise, which the question says to ignore
        return new Fwe(list, random.nextLong());
    }
}
