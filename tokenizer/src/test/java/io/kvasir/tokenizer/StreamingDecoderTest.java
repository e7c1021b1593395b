package io.kvasir.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StreamingDecoderTest {
    private static List<String> pushAll(StreamingDecoder d, int... ids) {
        List<String> out = new ArrayList<>();
        for (int id : ids) {
            out.add(d.push(id));
        }
        return out;
    }

    @Test
    void aFourByteEmojiComesOutWholeOnItsLastByte() {
        Tokenizer t = TestTokenizers.tokenizer(TestTokenizers.byteLevel());
        StreamingDecoder d = t.streamingDecoder();
        // "Hello 🍕!" = Hello, Ġ, F0 9F 8D 95, !
        assertEquals(List.of("Hello", " ", "", "", "", "\uD83C\uDF55", "!"),
                pushAll(d, 259, ' ', 0xF0, 0x9F, 0x8D, 0x95, '!'));
        assertEquals("", d.flush());
    }

    @Test
    void byteFallbackEmojiComesOutWholeAndOnlyTheFirstSpaceIsDropped() {
        Tokenizer t = TestTokenizers.tokenizer(TestTokenizers.sentencePiece());
        StreamingDecoder d = t.streamingDecoder();
        // ▁Hello ▁Hello ▁ <F0> <9F> <8D> <95>
        List<String> parts = pushAll(d, 268, 268, 259, 3 + 0xF0, 3 + 0x9F, 3 + 0x8D, 3 + 0x95);
        assertEquals(List.of("Hello", " Hello", " ", "", "", "", "\uD83C\uDF55"), parts);
        assertEquals("Hello Hello \uD83C\uDF55", String.join("", parts));
    }

    @Test
    void noPushEverEndsInsideACharacter() {
        Tokenizer t = TestTokenizers.tokenizer(TestTokenizers.byteLevel());
        String text = "Grüße, 世界! 🍕👍🏽 👨\u200d👩\u200d👧 end";
        int[] ids = t.encode(text, false);
        StreamingDecoder d = t.streamingDecoder();
        StringBuilder all = new StringBuilder();
        for (int id : ids) {
            String part = d.push(id);
            assertFalse(part.contains("\uFFFD"), part);
            assertFalse(!part.isEmpty() && Character.isHighSurrogate(part.charAt(part.length() - 1)), part);
            all.append(part);
        }
        all.append(d.flush());
        assertEquals(text, all.toString());
    }

    @Test
    void flushReturnsAnIncompleteTailAsReplacement() {
        Tokenizer t = TestTokenizers.tokenizer(TestTokenizers.byteLevel());
        StreamingDecoder d = t.streamingDecoder();
        assertEquals(List.of("a", ""), pushAll(d, 'a', 0xF0));
        assertEquals("\uFFFD", d.flush());
    }

    @Test
    void specialTokensCanBeLeftOut() {
        Tokenizer t = TestTokenizers.tokenizer(TestTokenizers.byteLevel());
        StreamingDecoder keep = t.streamingDecoder();
        assertEquals(List.of("Hello", "<|eot_id|>"), pushAll(keep, 259, TestTokenizers.EOT));
        StreamingDecoder skip = t.streamingDecoder(true);
        assertEquals(List.of("Hello", ""), pushAll(skip, 259, TestTokenizers.EOT));
    }
}
