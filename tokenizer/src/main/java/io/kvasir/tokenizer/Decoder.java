package io.kvasir.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * tokenizer.json's decoder: turns the token strings of some ids back into text. Each step maps a list
 * of strings to a list of strings (tokenizers' decode_chain); the result is their concatenation.
 */
sealed interface Decoder {
    List<String> decodeChain(List<String> tokens);

    default String decode(List<String> tokens) {
        return String.join("", decodeChain(tokens));
    }

    record Sequence(List<Decoder> steps) implements Decoder {
        @Override
        public List<String> decodeChain(List<String> tokens) {
            for (Decoder d : steps) {
                tokens = d.decodeChain(tokens);
            }
            return tokens;
        }
    }

    /** Byte-level characters back to bytes, then UTF-8 with U+FFFD for invalid parts. */
    record ByteLevel() implements Decoder {
        @Override
        public List<String> decodeChain(List<String> tokens) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            for (String t : tokens) {
                byte[] mapped = new byte[t.length()];
                boolean all = true;
                for (int i = 0; i < t.length() && all; i++) {
                    int b = ByteLevelAlphabet.byteOf(t.charAt(i));
                    all = b >= 0;
                    mapped[i] = (byte) b;
                }
                bytes.writeBytes(all ? mapped : t.getBytes(StandardCharsets.UTF_8));
            }
            byte[] all = bytes.toByteArray();
            return List.of(Utf8.decodeLossy(all, all.length));
        }
    }

    /** Runs of <0xNN> tokens become the text of their bytes, or one U+FFFD per byte when not valid UTF-8. */
    record ByteFallback() implements Decoder {
        @Override
        public List<String> decodeChain(List<String> tokens) {
            List<String> out = new ArrayList<>(tokens.size());
            ByteArrayOutputStream pending = new ByteArrayOutputStream();
            for (String t : tokens) {
                int b = byteToken(t);
                if (b >= 0) {
                    pending.write(b);
                    continue;
                }
                flush(pending, out);
                out.add(t);
            }
            flush(pending, out);
            return out;
        }

        private static void flush(ByteArrayOutputStream pending, List<String> out) {
            if (pending.size() == 0) {
                return;
            }
            byte[] b = pending.toByteArray();
            if (Utf8.isValid(b, b.length)) {
                out.add(new String(b, StandardCharsets.UTF_8));
            } else {
                for (int i = 0; i < b.length; i++) {
                    out.add("\uFFFD");
                }
            }
            pending.reset();
        }

        /** The byte a "<0xNN>" token stands for (Rust's u8::from_str_radix rules), or -1. */
        static int byteToken(String t) {
            if (t.length() != 6 || !t.startsWith("<0x") || !t.endsWith(">")) {
                return -1;
            }
            String digits = t.substring(3, 5);
            if (digits.charAt(0) == '+') {
                digits = digits.substring(1);
            }
            int v = 0;
            for (int i = 0; i < digits.length(); i++) {
                int d = Character.digit(digits.charAt(i), 16);
                if (d < 0 || digits.charAt(i) > 0x7F) {
                    return -1;
                }
                v = v * 16 + d;
            }
            return v;
        }
    }

    record Fuse() implements Decoder {
        @Override
        public List<String> decodeChain(List<String> tokens) {
            return List.of(String.join("", tokens));
        }
    }

    /** Removes up to start (stop) leading (trailing) occurrences of one character from each token. */
    record Strip(int content, int start, int stop) implements Decoder {
        @Override
        public List<String> decodeChain(List<String> tokens) {
            List<String> out = new ArrayList<>(tokens.size());
            for (String t : tokens) {
                int[] cps = t.codePoints().toArray();
                int from = 0;
                for (int i = 0; i < start && i < cps.length && cps[i] == content; i++) {
                    from = i + 1;
                }
                int to = cps.length;
                for (int i = 0; i < stop; i++) {
                    int index = cps.length - i - 1;
                    if (index < 0 || cps[index] != content) {
                        break;
                    }
                    to = index;
                }
                out.add(to <= from ? "" : new String(cps, from, to - from));
            }
            return out;
        }
    }

    record Replace(Pattern pattern, String content) implements Decoder {
        @Override
        public List<String> decodeChain(List<String> tokens) {
            String replacement = Matcher.quoteReplacement(content);
            return tokens.stream().map(t -> pattern.matcher(t).replaceAll(replacement)).toList();
        }
    }

    /** The replacement character back to spaces; on the first token it is dropped unless nothing is prepended. */
    record Metaspace(int replacement, boolean prepends) implements Decoder {
        @Override
        public List<String> decodeChain(List<String> tokens) {
            List<String> out = new ArrayList<>(tokens.size());
            for (int i = 0; i < tokens.size(); i++) {
                StringBuilder sb = new StringBuilder();
                boolean first = i == 0;
                tokens.get(i).codePoints().forEach(cp -> {
                    if (cp != replacement) {
                        sb.appendCodePoint(cp);
                    } else if (!(first && prepends)) {
                        sb.append(' ');
                    }
                });
                out.add(sb.toString());
            }
            return out;
        }
    }

    /** Classic BPE's end-of-word suffix: a space between words, nothing after the last. */
    record BpeSuffix(String suffix) implements Decoder {
        @Override
        public List<String> decodeChain(List<String> tokens) {
            List<String> out = new ArrayList<>(tokens.size());
            for (int i = 0; i < tokens.size(); i++) {
                out.add(tokens.get(i).replace(suffix, i == tokens.size() - 1 ? "" : " "));
            }
            return out;
        }
    }

    /** Builds the decoder a tokenizer.json node describes; null for a JSON null. */
    static Decoder parse(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        String type = node.path("type").asText("");
        return switch (type) {
            case "Sequence" -> {
                List<Decoder> steps = new ArrayList<>();
                for (JsonNode n : node.path("decoders")) {
                    steps.add(parse(n));
                }
                yield new Sequence(List.copyOf(steps));
            }
            case "ByteLevel" -> new ByteLevel();
            case "ByteFallback" -> new ByteFallback();
            case "Fuse" -> new Fuse();
            case "Strip" -> new Strip(node.path("content").asText(" ").codePointAt(0), node.path("start").asInt(0),
                    node.path("stop").asInt(0));
            case "Replace" -> new Replace(JsonPattern.parse(node.path("pattern"), "decoder Replace"),
                    node.path("content").asText());
            case "Metaspace" -> new Metaspace(PreTokenizer.metaspaceReplacement(node).codePointAt(0),
                    PreTokenizer.prependScheme(node) != PreTokenizer.Metaspace.PrependScheme.NEVER);
            case "BPEDecoder" -> new BpeSuffix(node.path("suffix").asText("</w>"));
            default -> throw new IllegalArgumentException("unsupported decoder type '" + type + "'");
        };
    }
}
