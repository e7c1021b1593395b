package io.kvasir.bench.longbench;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The per-example metrics of LongBench {@code metrics.py}; the Chinese ones segment with {@link Jieba}. */
public final class LongBenchMetrics {
    private static final Pattern ARTICLES = Pattern.compile("\\b(a|an|the)\\b", Pattern.UNICODE_CHARACTER_CLASS);
    private static final Pattern DIGITS = Pattern.compile("\\d+", Pattern.UNICODE_CHARACTER_CLASS);
    private static final Pattern PARAGRAPH = Pattern.compile("Paragraph (\\d+)", Pattern.UNICODE_CHARACTER_CLASS);
    private static final Pattern PARAGRAPH_ZH = Pattern.compile("段落(\\d+)", Pattern.UNICODE_CHARACTER_CLASS);
    private static final String PUNCTUATION = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";
    /** {@code cn_punctuation} of normalize_zh_answer, verbatim (it ends with an ASCII "."). */
    private static final String CN_PUNCTUATION =
            "！？｡。＂＃＄％＆＇（）＊＋，－／：；＜＝＞＠［＼］＾＿｀｛｜｝～｟｠｢｣､、〃》「」『』【】〔〕〖〗〘〙〚〛〜〝〞〟〰〾〿–—‘’‛“”„‟…‧﹏.";

    private LongBenchMetrics() {}

    /** {@code normalize_answer}: lower, drop string.punctuation, articles to a space, collapse whitespace. */
    public static String normalizeAnswer(String s) {
        String lower = PyText.lower(s);
        StringBuilder noPunct = new StringBuilder(lower.length());
        lower.codePoints().filter(cp -> cp >= 128 || PUNCTUATION.indexOf(cp) < 0).forEach(noPunct::appendCodePoint);
        return PyText.collapseSpaces(ARTICLES.matcher(noPunct).replaceAll(" "));
    }

    public static double qaF1(String prediction, String reference) {
        return tokenF1(PyText.split(normalizeAnswer(prediction)), PyText.split(normalizeAnswer(reference)));
    }

    /** {@code normalize_zh_answer}: lower, drop ASCII and Chinese punctuation, delete all whitespace. */
    public static String normalizeZhAnswer(String s) {
        StringBuilder out = new StringBuilder(s.length());
        PyText.lower(s).codePoints()
                .filter(cp -> PUNCTUATION.indexOf(cp) < 0 && CN_PUNCTUATION.indexOf(cp) < 0 && !PyText.isSpace(cp))
                .forEach(out::appendCodePoint);
        return out.toString();
    }

    /** {@code qa_f1_zh_score}: jieba tokens, each normalised, empty ones dropped, then token F1. */
    public static double qaF1Zh(String prediction, String reference) {
        return tokenF1(zhTokens(prediction), zhTokens(reference));
    }

    private static List<String> zhTokens(String text) {
        List<String> out = new ArrayList<>();
        for (String t : Jieba.standard().cut(text)) {
            String n = normalizeZhAnswer(t);
            if (!n.isEmpty()) out.add(n);
        }
        return out;
    }

    /** {@code rouge_zh_score}: jieba tokens joined by spaces on both sides, then the rouge package's ROUGE-L. */
    public static double rougeZh(String prediction, String reference) {
        Jieba jieba = Jieba.standard();
        return rouge(String.join(" ", jieba.cut(prediction)), String.join(" ", jieba.cut(reference)));
    }

    /** {@code f1_score}: multiset token F1, 0 without common tokens. */
    public static double tokenF1(List<String> prediction, List<String> reference) {
        Map<String, Integer> counts = new HashMap<>();
        for (String t : reference) counts.merge(t, 1, Integer::sum);
        int same = 0;
        for (String t : prediction) {
            Integer c = counts.get(t);
            if (c != null && c > 0) {
                same++;
                counts.put(t, c - 1);
            }
        }
        if (same == 0) return 0.0;
        double precision = 1.0 * same / prediction.size();
        double recall = 1.0 * same / reference.size();
        return (2 * precision * recall) / (precision + recall);
    }

    public static double rouge(String prediction, String reference) {
        return RougeL.f(prediction, reference);
    }

    /**
     * {@code classification_score}, including the reference's removal-while-iterating bug (a class after a
     * removed one is never examined), docs/benchmarks.md#metrics.
     */
    public static double classification(String prediction, String reference, List<String> allClasses) {
        List<String> matches = new ArrayList<>();
        for (String c : allClasses) if (prediction.contains(c)) matches.add(c);
        for (int i = 0; i < matches.size(); i++) {
            String term = matches.get(i);
            if (reference.contains(term) && !term.equals(reference)) matches.remove(term); // removes first equal element
        }
        return matches.contains(reference) ? 1.0 / matches.size() : 0.0;
    }

    public static double retrieval(String prediction, String reference) {
        return idShare(prediction, firstGroup(PARAGRAPH, reference));
    }

    public static double retrievalZh(String prediction, String reference) {
        return idShare(prediction, firstGroup(PARAGRAPH_ZH, reference));
    }

    public static double count(String prediction, String reference) {
        return idShare(prediction, reference);
    }

    private static String firstGroup(Pattern p, String reference) {
        Matcher m = p.matcher(reference);
        if (!m.find()) throw new IllegalArgumentException("reference has no paragraph id: " + reference);
        return m.group(1);
    }

    private static double idShare(String prediction, String id) {
        Matcher m = DIGITS.matcher(prediction);
        int all = 0, right = 0;
        while (m.find()) {
            all++;
            if (m.group().equals(id)) right++;
        }
        return all == 0 ? 0.0 : (double) right / all;
    }

    /** {@code code_sim_score}: fuzz.ratio of the first line without `, # or // against the reference. */
    public static double codeSim(String prediction, String reference) {
        String line = "";
        for (String l : PyText.split(PyText.lstripNewlines(prediction), "\n")) {
            if (!l.contains("`") && !l.contains("#") && !l.contains("//")) {
                line = l;
                break;
            }
        }
        return fuzzRatio(line, reference) / 100.0;
    }

    /**
     * fuzzywuzzy {@code fuzz.ratio} with python-Levenshtein: 100 for equal strings, 0 if one is empty, else
     * round-half-even(100 * (1 - indel / (len a + len b))) over code points.
     */
    public static int fuzzRatio(String a, String b) {
        if (a.equals(b)) return 100;
        if (a.isEmpty() || b.isEmpty()) return 0;
        int[] x = a.codePoints().toArray();
        int[] y = b.codePoints().toArray();
        int lensum = x.length + y.length;
        int indel = lensum - 2 * lcsLength(x, y);
        double ratio = 1.0 - (double) indel / lensum;
        return (int) Math.rint(100 * ratio);
    }

    private static int lcsLength(int[] x, int[] y) {
        int[] prev = new int[y.length + 1];
        int[] cur = new int[y.length + 1];
        for (int i = 1; i <= x.length; i++) {
            for (int j = 1; j <= y.length; j++) {
                cur[j] = x[i - 1] == y[j - 1] ? prev[j - 1] + 1 : Math.max(prev[j], cur[j - 1]);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[y.length];
    }
}
