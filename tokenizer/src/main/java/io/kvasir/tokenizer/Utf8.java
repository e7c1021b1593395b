package io.kvasir.tokenizer;

/**
 * UTF-8 decoding with Rust's rules, which the Hugging Face decoders use: String::from_utf8_lossy puts
 * one U+FFFD in place of each maximal invalid subpart, and String::from_utf8 accepts only valid input.
 */
final class Utf8 {
    private Utf8() {}

    /** Decodes bytes[0, length) like Rust's String::from_utf8_lossy. */
    static String decodeLossy(byte[] bytes, int length) {
        StringBuilder out = new StringBuilder(length);
        int i = 0;
        while (i < length) {
            int b = bytes[i] & 0xFF;
            if (b < 0x80) {
                out.append((char) b);
                i++;
                continue;
            }
            int valid = validPrefix(bytes, i, length);
            int need = sequenceLength(b);
            if (need > 0 && valid == need) {
                out.appendCodePoint(codePoint(bytes, i, need));
                i += need;
            } else {
                out.append('\uFFFD');
                i += Math.max(1, valid);
            }
        }
        return out.toString();
    }

    /** True when bytes[0, length) is well-formed UTF-8 (Rust's String::from_utf8 succeeds). */
    static boolean isValid(byte[] bytes, int length) {
        int i = 0;
        while (i < length) {
            int need = sequenceLength(bytes[i] & 0xFF);
            if (need == 0 || validPrefix(bytes, i, length) != need) {
                return false;
            }
            i += need;
        }
        return true;
    }

    /** Length of the complete sequence that a lead byte starts, 0 for a byte that cannot lead. */
    static int sequenceLength(int lead) {
        if (lead < 0x80) {
            return 1;
        } else if (lead >= 0xC2 && lead <= 0xDF) {
            return 2;
        } else if (lead >= 0xE0 && lead <= 0xEF) {
            return 3;
        } else if (lead >= 0xF0 && lead <= 0xF4) {
            return 4;
        }
        return 0;
    }

    /**
     * How many bytes from start form a valid (possibly incomplete) prefix of one sequence: 0 when the
     * lead byte is invalid, the full length when the sequence is complete.
     */
    static int validPrefix(byte[] bytes, int start, int length) {
        int lead = bytes[start] & 0xFF;
        int need = sequenceLength(lead);
        if (need <= 1) {
            return need;
        }
        int n = 1;
        while (n < need && start + n < length) {
            int c = bytes[start + n] & 0xFF;
            int lo = 0x80;
            int hi = 0xBF;
            if (n == 1) {
                if (lead == 0xE0) {
                    lo = 0xA0;
                } else if (lead == 0xED) {
                    hi = 0x9F;
                } else if (lead == 0xF0) {
                    lo = 0x90;
                } else if (lead == 0xF4) {
                    hi = 0x8F;
                }
            }
            if (c < lo || c > hi) {
                break;
            }
            n++;
        }
        return n;
    }

    private static int codePoint(byte[] bytes, int start, int need) {
        int cp = (bytes[start] & 0xFF) & (0xFF >> (need + 1));
        for (int k = 1; k < need; k++) {
            cp = (cp << 6) | (bytes[start + k] & 0x3F);
        }
        return cp;
    }
}
