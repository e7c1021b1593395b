package io.kvasir.tokenizer;

import java.util.Arrays;

/**
 * Turns generated ids into text as they arrive, never emitting part of a UTF-8 character: a token
 * whose bytes leave a character incomplete (the decoded text ends with U+FFFD) is held back until a
 * later token completes it. The text of the last emitted tokens is kept as context and decoded
 * together with the new ones, so decoder rules that depend on position (SentencePiece drops the space
 * of the very first token only) apply as they would to the whole sequence; this is the algorithm of
 * tokenizers' DecodeStream. Not thread-safe.
 */
public final class StreamingDecoder {
    private final Tokenizer tokenizer;
    private final boolean skipSpecialTokens;
    private int[] ids = new int[16];
    private int size;
    /** Text of ids[0, prefixIndex), already emitted. */
    private String prefix = "";
    private int prefixIndex;

    StreamingDecoder(Tokenizer tokenizer, boolean skipSpecialTokens) {
        this.tokenizer = tokenizer;
        this.skipSpecialTokens = skipSpecialTokens;
    }

    /** Adds one id and returns the text that became complete (often "", never a partial character). */
    public String push(int id) {
        if (prefix.isEmpty() && size > 0) {
            String newPrefix = decode(0, size);
            if (!newPrefix.endsWith("\uFFFD")) {
                prefix = newPrefix;
                prefixIndex = size;
            }
        }
        if (size == ids.length) {
            ids = Arrays.copyOf(ids, size * 2);
        }
        ids[size++] = id;
        String text = decode(0, size);
        if (text.length() <= prefix.length() || text.endsWith("\uFFFD")) {
            return "";
        }
        String fresh = text.startsWith(prefix) ? text.substring(prefix.length()) : text.substring(commonPrefix(text, prefix));
        int kept = size - prefixIndex;
        System.arraycopy(ids, prefixIndex, ids, 0, kept);
        size = kept;
        prefix = decode(0, size);
        prefixIndex = size;
        return fresh;
    }

    /** Returns whatever is still held back (an incomplete character comes out as U+FFFD). */
    public String flush() {
        String text = decode(0, size);
        String rest = text.startsWith(prefix) ? text.substring(prefix.length()) : text.substring(commonPrefix(text, prefix));
        prefix = text;
        prefixIndex = size;
        return rest;
    }

    private String decode(int from, int to) {
        return tokenizer.decode(ids, from, to, skipSpecialTokens);
    }

    private static int commonPrefix(String a, String b) {
        int n = 0;
        while (n < a.length() && n < b.length() && a.charAt(n) == b.charAt(n)) {
            n++;
        }
        return n;
    }
}
