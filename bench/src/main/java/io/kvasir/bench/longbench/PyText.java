package io.kvasir.bench.longbench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Python 3 str semantics the LongBench metrics depend on (split(), lower(), lstrip, split(sep)). */
public final class PyText {
    private PyText() {}

    /** Python str.isspace() for one code point: Unicode whitespace incl. U+001C..U+001F, U+0085, NBSPs. */
    public static boolean isSpace(int cp) {
        return Character.isWhitespace(cp) || cp == 0x85 || cp == 0xA0 || cp == 0x2007 || cp == 0x202F;
    }

    /** Python {@code s.split()}: runs of whitespace separate, empty pieces dropped. */
    public static List<String> split(String s) {
        List<String> out = new ArrayList<>();
        int start = -1;
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            if (isSpace(cp)) {
                if (start >= 0) {
                    out.add(s.substring(start, i));
                    start = -1;
                }
            } else if (start < 0) {
                start = i;
            }
            i += Character.charCount(cp);
        }
        if (start >= 0) out.add(s.substring(start));
        return out;
    }

    /** Python {@code s.split(sep)} with a literal separator: empty pieces kept. */
    public static List<String> split(String s, String sep) {
        List<String> out = new ArrayList<>();
        int from = 0;
        for (int at = s.indexOf(sep); at >= 0; at = s.indexOf(sep, from)) {
            out.add(s.substring(from, at));
            from = at + sep.length();
        }
        out.add(s.substring(from));
        return out;
    }

    /** Python {@code " ".join(s.split())}. */
    public static String collapseSpaces(String s) {
        return String.join(" ", split(s));
    }

    public static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }

    /** Python {@code s.lstrip("\n")}. */
    public static String lstripNewlines(String s) {
        int i = 0;
        while (i < s.length() && s.charAt(i) == '\n') i++;
        return s.substring(i);
    }

    /** {@code pred.lstrip("\n").split("\n")[0]}: the first-line rule of trec, triviaqa, samsum, lsht. */
    public static String firstLine(String s) {
        return split(lstripNewlines(s), "\n").get(0);
    }
}
