package io.kvasir.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.junit.jupiter.api.Test;

class BpeModelTest {
    // letters(): a=0 b=1 c=2 bc=3 ab=4 abc=5 aa=6

    @Test
    void lowerRankMergesFirst() {
        assertArrayEquals(new int[] {0, 3}, TestTokenizers.tokenizer(TestTokenizers.letters(List.of("b c", "a b"), false))
                .encode("abc", false));
        assertArrayEquals(new int[] {4, 2}, TestTokenizers.tokenizer(TestTokenizers.letters(List.of("a b", "b c"), false))
                .encode("abc", false));
    }

    @Test
    void mergedSymbolsMergeAgain() {
        assertArrayEquals(new int[] {5}, TestTokenizers.tokenizer(TestTokenizers.letters(List.of("b c", "a b", "a bc"), false))
                .encode("abc", false));
    }

    @Test
    void equalRanksMergeLeftmostFirst() {
        Tokenizer t = TestTokenizers.tokenizer(TestTokenizers.letters(List.of("a a"), false));
        assertArrayEquals(new int[] {6, 0}, t.encode("aaa", false));
        assertArrayEquals(new int[] {6, 6}, t.encode("aaaa", false));
        assertArrayEquals(new int[] {6, 6, 0}, t.encode("aaaaa", false));
    }

    @Test
    void pairMergesAreTheSameAsStringMerges() {
        ObjectNode root = TestTokenizers.letters(List.of(), false);
        ArrayNode merges = ((ObjectNode) root.get("model")).putArray("merges");
        merges.addArray().add("b").add("c");
        merges.addArray().add("a").add("b");
        assertArrayEquals(new int[] {0, 3}, TestTokenizers.tokenizer(root).encode("abc", false));
    }

    @Test
    void ignoreMergesTakesAWholeWordFromTheVocab() {
        assertArrayEquals(new int[] {5}, TestTokenizers.tokenizer(TestTokenizers.letters(List.of("a b"), true))
                .encode("abc", false));
        assertArrayEquals(new int[] {4, 2}, TestTokenizers.tokenizer(TestTokenizers.letters(List.of("a b"), false))
                .encode("abc", false));
    }

    @Test
    void repeatedWordsGiveTheSameIds() {
        Tokenizer t = TestTokenizers.tokenizer(TestTokenizers.byteLevel());
        int[] once = t.encode("Hello world", false);
        assertArrayEquals(new int[] {259, 264}, once);
        for (int i = 0; i < 3; i++) {
            assertArrayEquals(once, t.encode("Hello world", false));
        }
    }

    @Test
    void byteLevelEncodesWordsThroughMergesAndAddsBos() {
        Tokenizer t = TestTokenizers.tokenizer(TestTokenizers.byteLevel());
        // "Hello" -> He, ll, Hell, Hello; " world" -> Ġw, or, Ġwor, ld, Ġworld
        assertArrayEquals(new int[] {TestTokenizers.BOS, 259, 264}, t.encode("Hello world", true));
        // no merge for "w o": world alone is w, or, ld
        assertArrayEquals(new int[] {'w', 261, 263}, t.encode("world", false));
        // newline and tab are bytes 10 and 9
        assertArrayEquals(new int[] {259, 10, 9}, t.encode("Hello\n\t", false));
        assertEquals("Hello world", t.decode(new int[] {TestTokenizers.BOS, 259, 264}, true));
        assertEquals("<|begin_of_text|>Hello world", t.decode(new int[] {TestTokenizers.BOS, 259, 264}, false));
    }

    @Test
    void byteLevelSpellsNonAsciiAsUtf8Bytes() {
        Tokenizer t = TestTokenizers.tokenizer(TestTokenizers.byteLevel());
        assertArrayEquals(new int[] {0xC3, 0xA9}, t.encode("é", false));
        assertArrayEquals(new int[] {0xF0, 0x9F, 0x8D, 0x95}, t.encode("\uD83C\uDF55", false));
        assertEquals("é\uD83C\uDF55", t.decode(new int[] {0xC3, 0xA9, 0xF0, 0x9F, 0x8D, 0x95}, false));
        // an incomplete sequence decodes to one U+FFFD, as Rust's from_utf8_lossy
        assertEquals("a\uFFFD", t.decode(new int[] {'a', 0xF0, 0x9F}, false));
    }
}
