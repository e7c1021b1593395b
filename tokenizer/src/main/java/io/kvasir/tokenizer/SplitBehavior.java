package io.kvasir.tokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntPredicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How a pre-tokenizer cuts a piece around the matches of a pattern, as in tokenizers'
 * NormalizedString::split: the matches and the gaps between them cover the piece, then the behavior
 * decides which of them are kept and which are glued together. Empty results are dropped.
 */
enum SplitBehavior {
    REMOVED, ISOLATED, MERGED_WITH_PREVIOUS, MERGED_WITH_NEXT, CONTIGUOUS;

    static SplitBehavior parse(String name) {
        return switch (name) {
            case "Removed" -> REMOVED;
            case "Isolated" -> ISOLATED;
            case "MergedWithPrevious" -> MERGED_WITH_PREVIOUS;
            case "MergedWithNext" -> MERGED_WITH_NEXT;
            case "Contiguous" -> CONTIGUOUS;
            default -> throw new IllegalArgumentException("unsupported split behavior '" + name + "'");
        };
    }

    /** Matches of a regex, and the gaps between them, as {start, end, isMatch} (char offsets). */
    static List<int[]> regexMatches(Pattern pattern, String text) {
        List<int[]> out = new ArrayList<>();
        if (text.isEmpty()) {
            out.add(new int[] {0, 0, 0});
            return out;
        }
        Matcher m = pattern.matcher(text);
        int prev = 0;
        while (m.find()) {
            if (prev != m.start()) {
                out.add(new int[] {prev, m.start(), 0});
            }
            out.add(new int[] {m.start(), m.end(), 1});
            prev = m.end();
        }
        if (prev != text.length()) {
            out.add(new int[] {prev, text.length(), 0});
        }
        return out;
    }

    /** Every code point accepted by the predicate is a match of its own. */
    static List<int[]> charMatches(IntPredicate isMatch, String text) {
        List<int[]> out = new ArrayList<>();
        if (text.isEmpty()) {
            out.add(new int[] {0, 0, 0});
            return out;
        }
        int last = 0;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            int end = i + Character.charCount(cp);
            if (isMatch.test(cp)) {
                if (last < i) {
                    out.add(new int[] {last, i, 0});
                }
                out.add(new int[] {i, end, 1});
                last = end;
            }
            i = end;
        }
        if (last < text.length()) {
            out.add(new int[] {last, text.length(), 0});
        }
        return out;
    }

    /** Applies this behavior to matches (which invert flips) and returns the non-empty pieces. */
    List<int[]> ranges(List<int[]> matches, boolean invert) {
        List<int[]> acc = new ArrayList<>();
        boolean previousMatch = false;
        switch (this) {
            case ISOLATED -> matches.forEach(m -> acc.add(new int[] {m[0], m[1]}));
            case REMOVED -> {
                for (int[] m : matches) {
                    if ((m[2] == 1) == invert) {
                        acc.add(new int[] {m[0], m[1]});
                    }
                }
            }
            case CONTIGUOUS -> {
                for (int[] m : matches) {
                    boolean isMatch = (m[2] == 1) != invert;
                    if (isMatch == previousMatch && !acc.isEmpty()) {
                        acc.getLast()[1] = m[1];
                    } else {
                        acc.add(new int[] {m[0], m[1]});
                    }
                    previousMatch = isMatch;
                }
            }
            case MERGED_WITH_PREVIOUS -> {
                for (int[] m : matches) {
                    boolean isMatch = (m[2] == 1) != invert;
                    if (isMatch && !previousMatch && !acc.isEmpty()) {
                        acc.getLast()[1] = m[1];
                    } else {
                        acc.add(new int[] {m[0], m[1]});
                    }
                    previousMatch = isMatch;
                }
            }
            case MERGED_WITH_NEXT -> {
                for (int k = matches.size() - 1; k >= 0; k--) {
                    int[] m = matches.get(k);
                    boolean isMatch = (m[2] == 1) != invert;
                    if (isMatch && !previousMatch && !acc.isEmpty()) {
                        acc.getLast()[0] = m[0];
                    } else {
                        acc.add(new int[] {m[0], m[1]});
                    }
                    previousMatch = isMatch;
                }
                java.util.Collections.reverse(acc);
            }
        }
        acc.removeIf(r -> r[0] == r[1]);
        return acc;
    }
}
