package io.kvasir.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

class ByteFallbackTest {
    // sentencePiece(): <0xNN> = 3 + NN; ▁=259 ▁Hello=268

    private static int b(int value) {
        return 3 + value;
    }

    @Test
    void charactersOutsideTheVocabBecomeTheirUtf8Bytes() {
        Tokenizer t = TestTokenizers.tokenizer(TestTokenizers.sentencePiece());
        assertArrayEquals(new int[] {268, 259, b(0xC3), b(0xA9)}, t.encode("Hello é", false));
        assertArrayEquals(new int[] {1, 268, 259, b(0xC3), b(0xA9)}, t.encode("Hello é", true));
        assertArrayEquals(new int[] {259, b(0xF0), b(0x9F), b(0x8D), b(0x95)}, t.encode("\uD83C\uDF55", false));
    }

    @Test
    void decodingJoinsBytesAndDropsTheLeadingSpace() {
        Tokenizer t = TestTokenizers.tokenizer(TestTokenizers.sentencePiece());
        assertEquals("Hello é", t.decode(new int[] {1, 268, 259, b(0xC3), b(0xA9)}, true));
        assertEquals("<s> Hello é", t.decode(new int[] {1, 268, 259, b(0xC3), b(0xA9)}, false));
        // a byte run that is not valid UTF-8 gives one U+FFFD per byte
        assertEquals("\uFFFD\uFFFD", t.decode(new int[] {259, b(0xC3), b(0xC3)}, false));
        assertEquals("Hello  ", t.decode(new int[] {268, 259, 259}, false));
    }

    @Test
    void spacesBecomeTheMetaspaceCharacter() {
        Tokenizer t = TestTokenizers.tokenizer(TestTokenizers.sentencePiece());
        // " Hello" -> "▁▁Hello": ▁ then ▁Hello
        assertArrayEquals(new int[] {259, 268}, t.encode(" Hello", false));
        assertArrayEquals(new int[] {}, t.encode("", false));
    }

    @Test
    void withoutByteFallbackUnknownCharactersAreUnk() {
        ObjectNode root = TestTokenizers.sentencePiece();
        ((ObjectNode) root.get("model")).put("byte_fallback", false);
        Tokenizer fused = TestTokenizers.tokenizer(root);
        // "▁Hxyz": ▁H, then x y z fused into one <unk>
        assertArrayEquals(new int[] {264, 0}, fused.encode("Hxyz", false));
        ((ObjectNode) root.get("model")).put("fuse_unk", false);
        assertArrayEquals(new int[] {264, 0, 0, 0}, TestTokenizers.tokenizer(root).encode("Hxyz", false));
        ((ObjectNode) root.get("model")).putNull("unk_token");
        assertArrayEquals(new int[] {264}, TestTokenizers.tokenizer(root).encode("Hxyz", false));
    }

    @Test
    void metaspacePreTokenizerPrependsOnlyToTheFirstPiece() {
        ObjectNode root = TestTokenizers.sentencePiece();
        root.putNull("normalizer");
        root.putObject("pre_tokenizer").put("type", "Metaspace").put("replacement", "\u2581")
                .put("prepend_scheme", "first").put("split", false);
        Tokenizer t = TestTokenizers.tokenizer(root);
        // "Hello Hello" -> "▁Hello▁Hello": both words merge to ▁Hello
        assertArrayEquals(new int[] {268, 268}, t.encode("Hello Hello", false));
        // after a special token the text does not start the input: no ▁ is prepended
        assertArrayEquals(new int[] {1, 260, 261, 265, 263}, t.encode("<s>Hello", false));
    }
}
