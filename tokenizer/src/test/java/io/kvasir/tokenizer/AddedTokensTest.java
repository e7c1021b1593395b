package io.kvasir.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class AddedTokensTest {
    private static final int SPACE = ' ';

    private static Tokenizer withAdded(ObjectNode... tokens) {
        ObjectNode root = TestTokenizers.byteLevel();
        ArrayNode added = (ArrayNode) root.get("added_tokens");
        for (ObjectNode t : tokens) {
            added.add(t);
        }
        return TestTokenizers.tokenizer(root);
    }

    @Test
    void specialTokensInTheTextAreRecognised() {
        Tokenizer t = withAdded();
        // "world" alone: w, or, ld
        assertArrayEquals(new int[] {259, TestTokenizers.EOT, 'w', 261, 263}, t.encode("Hello<|eot_id|>world", false));
        assertArrayEquals(new int[] {TestTokenizers.BOS, TestTokenizers.BOS}, t.encode("<|begin_of_text|>", true));
        // not quite a special token: plain bytes
        assertArrayEquals(new int[] {'<', '|', 'e', 'o', 't', '|', '>'}, t.encode("<|eot|>", false));
        assertEquals("Hello<|eot_id|>world", t.decode(new int[] {259, TestTokenizers.EOT, 'w', 261, 263}, false));
        assertEquals("Helloworld", t.decode(new int[] {259, TestTokenizers.EOT, 'w', 261, 263}, true));
        assertTrue(t.isSpecial(TestTokenizers.EOT));
        assertFalse(t.isSpecial(259));
    }

    @Test
    void theLongestTokenWins() {
        Tokenizer t = withAdded(TestTokenizers.added(400, "<a>", true), TestTokenizers.added(401, "<a><b>", true));
        assertArrayEquals(new int[] {'x', 401, 'y'}, t.encode("x<a><b>y", false));
        assertArrayEquals(new int[] {'x', 400, '<', 'b'}, t.encode("x<a><b", false));
    }

    @Test
    void lstripAndRstripSwallowTheSpacesAround() {
        ObjectNode mask = TestTokenizers.added(400, "<mask>", true).put("lstrip", true);
        assertArrayEquals(new int[] {259, 400}, withAdded(mask).encode("Hello <mask>", false));
        assertArrayEquals(new int[] {259, SPACE, 400}, withAdded(TestTokenizers.added(400, "<mask>", true))
                .encode("Hello <mask>", false));
        ObjectNode right = TestTokenizers.added(400, "<mask>", true).put("rstrip", true);
        assertArrayEquals(new int[] {400, 'w', 261, 263}, withAdded(right).encode("<mask>  world", false));
    }

    @Test
    void singleWordTokensMatchOnlyWholeWords() {
        ObjectNode ell = TestTokenizers.added(400, "ell", false).put("single_word", true);
        Tokenizer t = withAdded(ell);
        assertArrayEquals(new int[] {259}, t.encode("Hello", false));
        assertArrayEquals(new int[] {'a', SPACE, 400, SPACE, 'b'}, t.encode("a ell b", false));
        ObjectNode anywhere = TestTokenizers.added(400, "ell", false);
        assertArrayEquals(new int[] {'H', 400, 'o'}, withAdded(anywhere).encode("Hello", false));
    }

    @Test
    void normalizedTokensAreMatchedAfterNormalization() {
        ObjectNode root = TestTokenizers.byteLevel();
        root.putObject("normalizer").put("type", "NFC");
        ((ArrayNode) root.get("added_tokens")).add(TestTokenizers.added(400, "\u00e9", false).put("normalized", true));
        Tokenizer t = TestTokenizers.tokenizer(root);
        assertArrayEquals(new int[] {400}, t.encode("e\u0301", false));
        ObjectNode raw = TestTokenizers.byteLevel();
        raw.putObject("normalizer").put("type", "NFC");
        ((ArrayNode) raw.get("added_tokens")).add(TestTokenizers.added(400, "\u00e9", false).put("normalized", false));
        // the raw text has no U+00E9, so the token is not found; NFC then composes the bytes of é
        assertArrayEquals(new int[] {0xC3, 0xA9}, TestTokenizers.tokenizer(raw).encode("e\u0301", false));
    }

    @Test
    void idsAndTokensLookBothWays() {
        Tokenizer t = withAdded();
        assertEquals(OptionalInt.of(TestTokenizers.EOT), t.id("<|eot_id|>"));
        assertEquals(OptionalInt.of(259), t.id("Hello"));
        assertEquals(OptionalInt.empty(), t.id("nope"));
        assertEquals("<|eot_id|>", t.token(TestTokenizers.EOT));
        assertEquals(null, t.token(299));
        assertEquals(302, t.vocabSize());
    }
}
