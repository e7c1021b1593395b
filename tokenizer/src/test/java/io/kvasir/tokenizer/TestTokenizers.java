package io.kvasir.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Small hand-written tokenizer.json documents for the unit tests. */
final class TestTokenizers {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String LLAMA3_SPLIT = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}"
            + "| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

    /** Byte-level ids: byte b has id b. */
    static final int BOS = 300;
    static final int EOT = 301;

    private TestTokenizers() {}

    /**
     * GPT-2's bytes_to_unicode, written out again here: printable Latin-1 bytes stand for
     * themselves, the other 68 bytes take U+0100, U+0101, ... in byte order.
     */
    static char byteChar(int b) {
        boolean printable = (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || (b >= 174 && b <= 255);
        if (printable) {
            return (char) b;
        }
        int n = 0;
        for (int x = 0; x < b; x++) {
            if (!((x >= 33 && x <= 126) || (x >= 161 && x <= 172) || (x >= 174 && x <= 255))) {
                n++;
            }
        }
        return (char) (256 + n);
    }

    /**
     * A Llama-3-shaped byte-level tokenizer: vocab = the 256 byte characters (id = byte value) plus
     * He=256 ll=257 Hell=258 Hello=259 Ġw=260 or=261 Ġwor=262 ld=263 Ġworld=264, merges in that order,
     * added tokens <|begin_of_text|>=300 and <|eot_id|>=301, BOS template.
     */
    static ObjectNode byteLevel() {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", "1.0");
        ArrayNode added = root.putArray("added_tokens");
        added.add(added(BOS, "<|begin_of_text|>", true));
        added.add(added(EOT, "<|eot_id|>", true));
        root.putNull("normalizer");
        ObjectNode pre = root.putObject("pre_tokenizer");
        pre.put("type", "Sequence");
        ArrayNode steps = pre.putArray("pretokenizers");
        ObjectNode split = steps.addObject();
        split.put("type", "Split").putObject("pattern").put("Regex", LLAMA3_SPLIT);
        split.put("behavior", "Isolated").put("invert", false);
        steps.addObject().put("type", "ByteLevel").put("add_prefix_space", false).put("trim_offsets", true)
                .put("use_regex", false);
        ObjectNode post = root.putObject("post_processor");
        post.put("type", "TemplateProcessing");
        post.putArray("single").addObject().putObject("SpecialToken").put("id", "<|begin_of_text|>").put("type_id", 0);
        ((ArrayNode) post.get("single")).addObject().putObject("Sequence").put("id", "A").put("type_id", 0);
        post.putObject("special_tokens").putObject("<|begin_of_text|>").put("id", "<|begin_of_text|>")
                .putArray("ids").add(BOS);
        root.putObject("decoder").put("type", "ByteLevel");
        ObjectNode model = root.putObject("model");
        model.put("type", "BPE").putNull("unk_token");
        model.put("ignore_merges", true).put("byte_fallback", false);
        ObjectNode vocab = model.putObject("vocab");
        for (int b = 0; b < 256; b++) {
            vocab.put(String.valueOf(byteChar(b)), b);
        }
        String g = String.valueOf(byteChar(' '));
        String[] merged = {"He", "ll", "Hell", "Hello", g + "w", "or", g + "wor", "ld", g + "world"};
        for (int i = 0; i < merged.length; i++) {
            vocab.put(merged[i], 256 + i);
        }
        ArrayNode merges = model.putArray("merges");
        for (String m : List.of("H e", "l l", "He ll", "Hell o", g + " w", "o r", g + "w or", "l d", g + "wor ld")) {
            merges.add(m);
        }
        return root;
    }

    /**
     * A Llama-2/Mistral-shaped SentencePiece BPE: <unk>=0 <s>=1 </s>=2, <0x00>..<0xFF> = 3..258, then
     * ▁=259 H=260 e=261 l=262 o=263 ▁H=264 ll=265 ▁He=266 ▁Hell=267 ▁Hello=268, merges in that
     * order from "▁ H"; normalizer Prepend+Replace, decoder Replace/ByteFallback/Fuse/Strip.
     */
    static ObjectNode sentencePiece() {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode added = root.putArray("added_tokens");
        added.add(added(0, "<unk>", true));
        added.add(added(1, "<s>", true));
        added.add(added(2, "</s>", true));
        ObjectNode norm = root.putObject("normalizer");
        norm.put("type", "Sequence");
        norm.putArray("normalizers").addObject().put("type", "Prepend").put("prepend", "\u2581");
        ObjectNode replace = ((ArrayNode) norm.get("normalizers")).addObject();
        replace.put("type", "Replace").put("content", "\u2581").putObject("pattern").put("String", " ");
        root.putNull("pre_tokenizer");
        ObjectNode post = root.putObject("post_processor");
        post.put("type", "TemplateProcessing");
        post.putArray("single").addObject().putObject("SpecialToken").put("id", "<s>").put("type_id", 0);
        ((ArrayNode) post.get("single")).addObject().putObject("Sequence").put("id", "A").put("type_id", 0);
        post.putObject("special_tokens").putObject("<s>").put("id", "<s>").putArray("ids").add(1);
        ObjectNode decoder = root.putObject("decoder");
        decoder.put("type", "Sequence");
        ArrayNode decoders = decoder.putArray("decoders");
        ObjectNode r = decoders.addObject();
        r.put("type", "Replace").put("content", " ").putObject("pattern").put("String", "\u2581");
        decoders.addObject().put("type", "ByteFallback");
        decoders.addObject().put("type", "Fuse");
        decoders.addObject().put("type", "Strip").put("content", " ").put("start", 1).put("stop", 0);
        ObjectNode model = root.putObject("model");
        model.put("type", "BPE").put("unk_token", "<unk>").put("fuse_unk", true).put("byte_fallback", true)
                .put("ignore_merges", false);
        ObjectNode vocab = model.putObject("vocab");
        vocab.put("<unk>", 0).put("<s>", 1).put("</s>", 2);
        for (int b = 0; b < 256; b++) {
            vocab.put(String.format("<0x%02X>", b), 3 + b);
        }
        String[] pieces = {"\u2581", "H", "e", "l", "o", "\u2581H", "ll", "\u2581He", "\u2581Hell", "\u2581Hello"};
        for (int i = 0; i < pieces.length; i++) {
            vocab.put(pieces[i], 259 + i);
        }
        ArrayNode merges = model.putArray("merges");
        merges.add("\u2581 H").add("l l").add("\u2581H e").add("\u2581He ll").add("\u2581Hell o");
        return root;
    }

    /** A plain BPE over letters: a=0 b=1 c=2 bc=3 ab=4 abc=5 aa=6, with the given merges. */
    static ObjectNode letters(List<String> merges, boolean ignoreMerges) {
        ObjectNode root = JSON.createObjectNode();
        root.putArray("added_tokens");
        ObjectNode model = root.putObject("model");
        model.put("type", "BPE").put("ignore_merges", ignoreMerges);
        model.putObject("vocab").put("a", 0).put("b", 1).put("c", 2).put("bc", 3).put("ab", 4).put("abc", 5).put("aa", 6);
        ArrayNode m = model.putArray("merges");
        merges.forEach(m::add);
        return root;
    }

    static ObjectNode added(int id, String content, boolean special) {
        ObjectNode t = JSON.createObjectNode();
        t.put("id", id).put("content", content).put("single_word", false).put("lstrip", false).put("rstrip", false)
                .put("normalized", !special).put("special", special);
        return t;
    }

    static Tokenizer tokenizer(JsonNode root) {
        return Tokenizer.fromJson(root, null);
    }

    /** Writes a model folder with tokenizer.json (and tokenizer_config.json when config is not null). */
    static Path write(Path dir, JsonNode root, JsonNode config) {
        try {
            Files.writeString(dir.resolve("tokenizer.json"), JSON.writeValueAsString(root));
            if (config != null) {
                Files.writeString(dir.resolve("tokenizer_config.json"), JSON.writeValueAsString(config));
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
