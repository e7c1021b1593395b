package io.kvasir.bench.needle;

import java.util.Map;
import java.util.function.Predicate;

/**
 * NLTK's {@code PorterStemmer} in its default NLTK_EXTENSIONS mode (what Google's rouge_score uses), ported
 * rule for rule from nltk/stem/porter.py. Input is expected lowercase ASCII (rouge_score's tokens).
 */
public final class PorterStemmer {
    private static final Map<String, String> POOL = Map.ofEntries(
            Map.entry("sky", "sky"), Map.entry("skies", "sky"), Map.entry("dying", "die"), Map.entry("lying", "lie"),
            Map.entry("tying", "tie"), Map.entry("news", "news"), Map.entry("innings", "inning"),
            Map.entry("inning", "inning"), Map.entry("outings", "outing"), Map.entry("outing", "outing"),
            Map.entry("cannings", "canning"), Map.entry("canning", "canning"), Map.entry("howe", "howe"),
            Map.entry("proceed", "proceed"), Map.entry("exceed", "exceed"), Map.entry("succeed", "succeed"));

    private record Rule(String suffix, String replacement, Predicate<String> condition) {}

    private PorterStemmer() {}

    public static String stem(String word) {
        String s = word.toLowerCase(java.util.Locale.ROOT);
        String pooled = POOL.get(s);
        if (pooled != null) return pooled;
        if (word.length() <= 2) return s;
        s = step1a(s);
        s = step1b(s);
        s = step1c(s);
        s = step2(s);
        s = step3(s);
        s = step4(s);
        s = step5a(s);
        return step5b(s);
    }

    private static boolean isVowel(char c) {
        return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u';
    }

    static boolean isConsonant(String w, int i) {
        if (isVowel(w.charAt(i))) return false;
        if (w.charAt(i) == 'y') {
            boolean negate = false;
            while (i > 0 && w.charAt(i) == 'y') {
                negate = !negate;
                i--;
            }
            return !isVowel(w.charAt(i)) != negate;
        }
        return true;
    }

    private static boolean[] consonantFlags(String w) {
        boolean[] f = new boolean[w.length()];
        for (int i = 0; i < w.length(); i++) {
            char c = w.charAt(i);
            f[i] = isVowel(c) ? false : c == 'y' ? (i == 0 || !f[i - 1]) : true;
        }
        return f;
    }

    static int measure(String stem) {
        boolean[] f = consonantFlags(stem);
        int m = 0;
        for (int i = 1; i < f.length; i++) if (!f[i - 1] && f[i]) m++;
        return m;
    }

    private static boolean positiveMeasure(String stem) {
        return measure(stem) > 0;
    }

    private static boolean containsVowel(String stem) {
        for (boolean c : consonantFlags(stem)) if (!c) return true;
        return false;
    }

    private static boolean endsDoubleConsonant(String w) {
        int n = w.length();
        return n >= 2 && w.charAt(n - 1) == w.charAt(n - 2) && isConsonant(w, n - 1);
    }

    private static boolean endsCvc(String w) {
        int n = w.length();
        char last = n > 0 ? w.charAt(n - 1) : ' ';
        return (n >= 3 && isConsonant(w, n - 3) && !isConsonant(w, n - 2) && isConsonant(w, n - 1)
                && last != 'w' && last != 'x' && last != 'y')
                || (n == 2 && !isConsonant(w, 0) && isConsonant(w, 1));
    }

    private static String cut(String w, String suffix) {
        return w.substring(0, w.length() - suffix.length());
    }

    private static String applyRules(String word, Rule... rules) {
        for (Rule r : rules) {
            if (r.suffix().equals("*d") && endsDoubleConsonant(word)) {
                String stem = word.substring(0, word.length() - 2);
                return r.condition() == null || r.condition().test(stem) ? stem + r.replacement() : word;
            }
            if (word.endsWith(r.suffix())) {
                String stem = cut(word, r.suffix());
                return r.condition() == null || r.condition().test(stem) ? stem + r.replacement() : word;
            }
        }
        return word;
    }

    private static String step1a(String w) {
        if (w.endsWith("ies") && w.length() == 4) return cut(w, "ies") + "ie";
        return applyRules(w, new Rule("sses", "ss", null), new Rule("ies", "i", null), new Rule("ss", "ss", null),
                new Rule("s", "", null));
    }

    private static String step1b(String w) {
        if (w.endsWith("ied")) return cut(w, "ied") + (w.length() == 4 ? "ie" : "i");
        if (w.endsWith("eed")) {
            String stem = cut(w, "eed");
            return measure(stem) > 0 ? stem + "ee" : w;
        }
        String inter = null;
        for (String suffix : new String[] {"ed", "ing"}) {
            if (w.endsWith(suffix) && containsVowel(cut(w, suffix))) {
                inter = cut(w, suffix);
                break;
            }
        }
        if (inter == null) return w;
        String is = inter;
        char last = is.isEmpty() ? ' ' : is.charAt(is.length() - 1);
        return applyRules(is, new Rule("at", "ate", null), new Rule("bl", "ble", null), new Rule("iz", "ize", null),
                new Rule("*d", String.valueOf(last), stem -> last != 'l' && last != 's' && last != 'z'),
                new Rule("", "e", stem -> measure(stem) == 1 && endsCvc(stem)));
    }

    private static String step1c(String w) {
        return applyRules(w, new Rule("y", "i", stem -> stem.length() > 1 && isConsonant(stem, stem.length() - 1)));
    }

    private static String step2(String w) {
        if (w.endsWith("alli") && positiveMeasure(cut(w, "alli"))) return step2(cut(w, "alli") + "al");
        Predicate<String> m = PorterStemmer::positiveMeasure;
        return applyRules(w, new Rule("ational", "ate", m), new Rule("tional", "tion", m), new Rule("enci", "ence", m),
                new Rule("anci", "ance", m), new Rule("izer", "ize", m), new Rule("bli", "ble", m),
                new Rule("alli", "al", m), new Rule("entli", "ent", m), new Rule("eli", "e", m),
                new Rule("ousli", "ous", m), new Rule("ization", "ize", m), new Rule("ation", "ate", m),
                new Rule("ator", "ate", m), new Rule("alism", "al", m), new Rule("iveness", "ive", m),
                new Rule("fulness", "ful", m), new Rule("ousness", "ous", m), new Rule("aliti", "al", m),
                new Rule("iviti", "ive", m), new Rule("biliti", "ble", m), new Rule("fulli", "ful", m),
                new Rule("logi", "log", stem -> positiveMeasure(w.substring(0, w.length() - 3))));
    }

    private static String step3(String w) {
        Predicate<String> m = PorterStemmer::positiveMeasure;
        return applyRules(w, new Rule("icate", "ic", m), new Rule("ative", "", m), new Rule("alize", "al", m),
                new Rule("iciti", "ic", m), new Rule("ical", "ic", m), new Rule("ful", "", m), new Rule("ness", "", m));
    }

    private static String step4(String w) {
        Predicate<String> m = stem -> measure(stem) > 1;
        return applyRules(w, new Rule("al", "", m), new Rule("ance", "", m), new Rule("ence", "", m),
                new Rule("er", "", m), new Rule("ic", "", m), new Rule("able", "", m), new Rule("ible", "", m),
                new Rule("ant", "", m), new Rule("ement", "", m), new Rule("ment", "", m), new Rule("ent", "", m),
                new Rule("ion", "", stem -> measure(stem) > 1 && !stem.isEmpty()
                        && (stem.charAt(stem.length() - 1) == 's' || stem.charAt(stem.length() - 1) == 't')),
                new Rule("ou", "", m), new Rule("ism", "", m), new Rule("ate", "", m), new Rule("iti", "", m),
                new Rule("ous", "", m), new Rule("ive", "", m), new Rule("ize", "", m));
    }

    private static String step5a(String w) {
        if (w.endsWith("e")) {
            String stem = cut(w, "e");
            if (measure(stem) > 1) return stem;
            if (measure(stem) == 1 && !endsCvc(stem)) return stem;
        }
        return w;
    }

    private static String step5b(String w) {
        return applyRules(w, new Rule("ll", "l", stem -> measure(w.substring(0, w.length() - 1)) > 1));
    }
}
