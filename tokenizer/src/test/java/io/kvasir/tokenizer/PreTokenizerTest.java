package io.kvasir.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class PreTokenizerTest {
    private static final PreTokenizer LLAMA3 = new PreTokenizer.Split(
            HfRegex.compile(TestTokenizers.LLAMA3_SPLIT), SplitBehavior.ISOLATED, false);

    private static List<String> split(PreTokenizer p, String text) {
        return p.apply(List.of(new PreTokenizer.Piece(text, true))).stream().map(PreTokenizer.Piece::text).toList();
    }

    @Test
    void llama3PatternSplitsWordsNumbersAndSpaces() {
        assertEquals(List.of("Hello", " world"), split(LLAMA3, "Hello world"));
        assertEquals(List.of("Hello", " ", " world"), split(LLAMA3, "Hello  world"));
        assertEquals(List.of("I", "'m", " sure"), split(LLAMA3, "I'm sure"));
        assertEquals(List.of("I", "'M"), split(LLAMA3, "I'M"));
        assertEquals(List.of("123", "456", "7"), split(LLAMA3, "1234567"));
        assertEquals(List.of("x", "\n\n", "y"), split(LLAMA3, "x\n\ny"));
        assertEquals(List.of("end", "   "), split(LLAMA3, "end   "));
    }

    @Test
    void unicodeSpacesAreWhitespaceAsInOniguruma() {
        // U+3000 and U+00A0 are White_Space: a leading one joins the next word, a trailing run stays whitespace
        assertEquals(List.of("x", "\u3000y"), split(LLAMA3, "x\u3000y"));
        assertEquals(List.of("a", "\u00a0", "\u00a0b"), split(LLAMA3, "a\u00a0\u00a0b"));
        // U+200B is not whitespace: it is punctuation-like, taken by [^\r\n\p{L}\p{N}]?\p{L}+
        assertEquals(List.of("a", "\u200bb"), split(LLAMA3, "a\u200bb"));
        // U+001C is whitespace for Python but not for Unicode (and Oniguruma)
        assertEquals(List.of("a", "\u001cb"), split(LLAMA3, "a\u001cb"));
    }

    @Test
    void byteLevelWithRegexAddsAPrefixSpace() {
        PreTokenizer gpt2 = new PreTokenizer.ByteLevel(true, true);
        assertEquals(List.of("\u0120Hello", "\u0120world", "!"), split(gpt2, "Hello world!"));
    }

    @Test
    void metaspaceSplitKeepsTheReplacementWithTheNextWord() {
        PreTokenizer m = new PreTokenizer.Metaspace("\u2581", PreTokenizer.Metaspace.PrependScheme.ALWAYS, true);
        assertEquals(List.of("\u2581Hello", "\u2581", "\u2581world"), split(m, "Hello  world"));
        PreTokenizer never = new PreTokenizer.Metaspace("\u2581", PreTokenizer.Metaspace.PrependScheme.NEVER, false);
        assertEquals(List.of("Hello\u2581world"), split(never, "Hello world"));
    }

    @Test
    void splitBehaviors() {
        PreTokenizer dash = new PreTokenizer.Split(HfRegex.compile("-"), SplitBehavior.REMOVED, false);
        assertEquals(List.of("a", "b"), split(dash, "a--b"));
        PreTokenizer prev = new PreTokenizer.Split(HfRegex.compile("-"), SplitBehavior.MERGED_WITH_PREVIOUS, false);
        assertEquals(List.of("a-", "-", "b"), split(prev, "a--b"));
        PreTokenizer next = new PreTokenizer.Split(HfRegex.compile("-"), SplitBehavior.MERGED_WITH_NEXT, false);
        assertEquals(List.of("a", "-", "-b"), split(next, "a--b"));
        PreTokenizer contiguous = new PreTokenizer.Split(HfRegex.compile("-"), SplitBehavior.CONTIGUOUS, false);
        assertEquals(List.of("a", "--", "b"), split(contiguous, "a--b"));
        PreTokenizer keepDashes = new PreTokenizer.Split(HfRegex.compile("-"), SplitBehavior.REMOVED, true);
        assertEquals(List.of("-", "-"), split(keepDashes, "a--b"));
    }

    @Test
    void onigurumaSpellingsAreTranslated() {
        assertEquals("\\p{IsHan}+|\\p{L}|[0-9a-fA-F]", HfRegex.translate("\\p{Han}+|\\p{L}|\\h"));
        assertEquals("\\P{IsGreek}", HfRegex.translate("\\p{^Greek}"));
    }
}
