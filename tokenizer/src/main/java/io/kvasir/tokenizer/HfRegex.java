package io.kvasir.tokenizer;

import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Compiles the Oniguruma patterns of tokenizer.json with java.util.regex. With UNICODE_CHARACTER_CLASS,
 * Java's \s is White_Space and \d, \w and case folding are Unicode-aware, as Oniguruma's are for UTF-8;
 * what remains is spelling: Oniguruma names scripts bare (\p{Han}), Java wants \p{IsHan}, and
 * Oniguruma's \h is a hex digit, not horizontal space.
 */
final class HfRegex {
    private static final Set<String> JAVA_NAMES = Set.of(
            "Lower", "Upper", "ASCII", "Alpha", "Digit", "Alnum", "Punct", "Graph", "Print", "Blank", "Cntrl",
            "XDigit", "Space");

    private HfRegex() {}

    static Pattern compile(String onigurumaPattern) {
        try {
            return Pattern.compile(translate(onigurumaPattern), Pattern.UNICODE_CHARACTER_CLASS);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("regex " + quote(onigurumaPattern) + " does not compile: "
                    + e.getDescription());
        }
    }

    static String translate(String p) {
        StringBuilder out = new StringBuilder(p.length() + 8);
        int classDepth = 0;
        for (int i = 0; i < p.length(); i++) {
            char c = p.charAt(i);
            if (c == '\\' && i + 1 < p.length()) {
                char e = p.charAt(i + 1);
                if ((e == 'p' || e == 'P') && i + 2 < p.length() && p.charAt(i + 2) == '{') {
                    int close = p.indexOf('}', i + 3);
                    if (close > 0) {
                        out.append(property(e, p.substring(i + 3, close)));
                        i = close;
                        continue;
                    }
                }
                if (e == 'h' || e == 'H') {
                    String hex = "0-9a-fA-F";
                    out.append(classDepth > 0 && e == 'h' ? hex : (e == 'h' ? "[" + hex + "]" : "[^" + hex + "]"));
                    i++;
                    continue;
                }
                out.append(c).append(e);
                i++;
                continue;
            }
            if (c == '[') {
                classDepth++;
            } else if (c == ']' && classDepth > 0) {
                classDepth--;
            }
            out.append(c);
        }
        return out.toString();
    }

    private static String property(char kind, String name) {
        boolean negate = kind == 'P';
        if (name.startsWith("^")) {
            negate = !negate;
            name = name.substring(1);
        }
        String javaName = name;
        boolean generalCategory = name.length() <= 2 && !name.isEmpty() && Character.isUpperCase(name.charAt(0));
        if (!generalCategory && !JAVA_NAMES.contains(name) && !name.contains("=") && !name.startsWith("Is")
                && !name.startsWith("In")) {
            javaName = "Is" + name;
        }
        return (negate ? "\\P{" : "\\p{") + javaName + "}";
    }

    static String quote(String s) {
        return "'" + s + "'";
    }
}
