package io.kvasir.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class Utf8Test {
    private static String lossy(int... bytes) {
        byte[] b = new byte[bytes.length];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) bytes[i];
        }
        return Utf8.decodeLossy(b, b.length);
    }

    @Test
    void oneReplacementPerMaximalInvalidSubpart() {
        // examples from the Unicode standard's "U+FFFD substitution of maximal subparts" (table 3-8 style)
        assertEquals("a\uFFFDb", lossy('a', 0x80, 'b'));
        assertEquals("\uFFFD\uFFFD", lossy(0xC0, 0xAF));
        assertEquals("\uFFFD", lossy(0xE0, 0xA0));
        assertEquals("\uFFFD\uFFFD", lossy(0xE0, 0x80));
        assertEquals("\uFFFDa", lossy(0xF0, 0x9F, 0x8D, 'a'));
        assertEquals("\uFFFD\uFFFD\uFFFD", lossy(0xED, 0xA0, 0x80));
        assertEquals("\uFFFD\uFFFD\uFFFD\uFFFD", lossy(0xF5, 0x80, 0x80, 0x80));
        assertEquals("\uD83C\uDF55", lossy(0xF0, 0x9F, 0x8D, 0x95));
        assertEquals("\u00e9\u4e16", lossy(0xC3, 0xA9, 0xE4, 0xB8, 0x96));
    }

    @Test
    void validity() {
        assertTrue(Utf8.isValid(new byte[] {(byte) 0xC3, (byte) 0xA9}, 2));
        assertFalse(Utf8.isValid(new byte[] {(byte) 0xC3}, 1));
        assertFalse(Utf8.isValid(new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, 3));
    }
}
