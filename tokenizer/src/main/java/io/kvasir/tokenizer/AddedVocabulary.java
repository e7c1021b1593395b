package io.kvasir.tokenizer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The added tokens of tokenizer.json and how tokenizers' AddedVocabulary finds them in input text:
 * leftmost-longest matching (aho-corasick semantics), first on the raw text for tokens with
 * normalized=false, then on the normalized remainder for the others; single_word, lstrip and rstrip
 * as tokenizers applies them.
 */
final class AddedVocabulary {
    record AddedToken(int id, String content, boolean singleWord, boolean lstrip, boolean rstrip,
                      boolean normalized, boolean special) {}

    /** A piece of the input: either an added token (id >= 0) or text to normalize and encode. */
    record Segment(String text, int id, boolean atStart) {}

    private final List<AddedToken> tokens;
    private final Map<String, Integer> idByContent = new HashMap<>();
    private final Map<Integer, String> contentById = new HashMap<>();
    private final Set<String> specialContents = new HashSet<>();
    private final Trie raw;
    private final Trie normalized;

    AddedVocabulary(List<AddedToken> tokens, Normalizer normalizer) {
        this.tokens = List.copyOf(tokens);
        raw = new Trie();
        normalized = new Trie();
        for (AddedToken t : tokens) {
            idByContent.put(t.content(), t.id());
            contentById.put(t.id(), t.content());
            if (t.special()) {
                specialContents.add(t.content());
            }
            if (t.normalized()) {
                String pattern = normalizer == null ? t.content() : normalizer.normalize(t.content());
                normalized.add(pattern, t);
            } else {
                raw.add(t.content(), t);
            }
        }
    }

    List<AddedToken> tokens() {
        return tokens;
    }

    Integer id(String content) {
        return idByContent.get(content);
    }

    String content(int id) {
        return contentById.get(id);
    }

    boolean isSpecial(String content) {
        return specialContents.contains(content);
    }

    /** Splits text on added tokens, normalizing the text between them. */
    List<Segment> split(String text, Normalizer normalizer) {
        List<Segment> out = new ArrayList<>();
        for (Segment s : find(text, raw, true)) {
            if (s.id() >= 0) {
                out.add(s);
                continue;
            }
            String norm = normalizer == null ? s.text() : normalizer.normalize(s.text());
            for (Segment inner : find(norm, normalized, s.atStart())) {
                if (!inner.text().isEmpty()) {
                    out.add(inner);
                }
            }
        }
        return out;
    }

    private static List<Segment> find(String sentence, Trie trie, boolean atStart) {
        List<Segment> splits = new ArrayList<>();
        if (sentence.isEmpty()) {
            return splits;
        }
        int startOffset = 0;
        int searchFrom = 0;
        while (searchFrom < sentence.length() && !trie.isEmpty()) {
            long match = trie.leftmostLongest(sentence, searchFrom);
            if (match < 0) {
                break;
            }
            int start = (int) (match >>> 32);
            int stop = (int) match;
            searchFrom = stop;
            AddedToken token = trie.tokenAt(sentence, start, stop);
            if (token.singleWord()) {
                boolean startSpace = start == 0 || !isWordChar(sentence.codePointBefore(start));
                boolean stopSpace = stop == sentence.length() || !isWordChar(sentence.codePointAt(stop));
                if (!startSpace || !stopSpace) {
                    continue;
                }
            }
            if (token.lstrip()) {
                int s = start;
                while (s > 0 && PreTokenizer.isWhitespace(sentence.codePointBefore(s))) {
                    s -= Character.charCount(sentence.codePointBefore(s));
                }
                start = Math.max(s, startOffset);
            }
            if (token.rstrip()) {
                while (stop < sentence.length() && PreTokenizer.isWhitespace(sentence.codePointAt(stop))) {
                    stop += Character.charCount(sentence.codePointAt(stop));
                }
            }
            if (startOffset < start) {
                splits.add(new Segment(sentence.substring(startOffset, start), -1, atStart && startOffset == 0));
            }
            splits.add(new Segment(sentence.substring(start, stop), token.id(), atStart && start == 0));
            startOffset = stop;
        }
        if (startOffset < sentence.length()) {
            splits.add(new Segment(sentence.substring(startOffset), -1, atStart && startOffset == 0));
        }
        return splits;
    }

    /** Rust regex's Unicode \\w, which tokenizers uses for single_word boundaries. */
    private static boolean isWordChar(int cp) {
        int t = Character.getType(cp);
        return Character.isAlphabetic(cp) || t == Character.NON_SPACING_MARK || t == Character.ENCLOSING_MARK
                || t == Character.COMBINING_SPACING_MARK || t == Character.DECIMAL_DIGIT_NUMBER
                || t == Character.CONNECTOR_PUNCTUATION || cp == 0x200C || cp == 0x200D;
    }

    /** A character trie of token contents. */
    private static final class Trie {
        private final Map<Character, Trie> children = new HashMap<>();
        private AddedToken token;
        private boolean empty = true;

        void add(String content, AddedToken t) {
            if (content.isEmpty()) {
                return;
            }
            empty = false;
            Trie node = this;
            for (int i = 0; i < content.length(); i++) {
                node = node.children.computeIfAbsent(content.charAt(i), c -> new Trie());
            }
            node.token = t;
        }

        boolean isEmpty() {
            return empty;
        }

        /** (start << 32 | end) of the leftmost-longest match at or after from, or -1. */
        long leftmostLongest(String s, int from) {
            for (int start = from; start < s.length(); start++) {
                Trie node = this;
                int best = -1;
                for (int i = start; i < s.length(); i++) {
                    node = node.children.get(s.charAt(i));
                    if (node == null) {
                        break;
                    }
                    if (node.token != null) {
                        best = i + 1;
                    }
                }
                if (best > 0) {
                    return ((long) start << 32) | best;
                }
            }
            return -1;
        }

        AddedToken tokenAt(String s, int start, int end) {
            Trie node = this;
            for (int i = start; i < end; i++) {
                node = node.children.get(s.charAt(i));
            }
            return node.token;
        }
    }
}
