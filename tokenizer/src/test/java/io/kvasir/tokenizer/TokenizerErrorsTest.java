package io.kvasir.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenizerErrorsTest {
    @TempDir
    Path dir;

    private String failure(Path modelDir) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Tokenizer.load(modelDir));
        assertTrue(e instanceof TokenizerFormatException, e.getClass().getName());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        return e.getMessage();
    }

    @Test
    void missingFile() {
        assertEquals(dir.resolve("tokenizer.json") + ": file not found", failure(dir));
    }

    @Test
    void malformedJson() throws IOException {
        Files.writeString(dir.resolve("tokenizer.json"), "{\"model\": {\"type\": \"BPE\",\n  oops");
        String m = failure(dir);
        assertTrue(m.startsWith(dir.resolve("tokenizer.json") + ": not valid JSON: "), m);
    }

    @Test
    void unsupportedPieces() {
        ObjectNode root = TestTokenizers.byteLevel();
        root.putObject("pre_tokenizer").put("type", "Foo");
        assertEquals(dir.resolve("tokenizer.json") + ": unsupported pre_tokenizer type 'Foo'",
                failure(TestTokenizers.write(dir, root, null)));
        root = TestTokenizers.byteLevel();
        root.putObject("normalizer").put("type", "Precompiled");
        assertEquals(dir.resolve("tokenizer.json") + ": unsupported normalizer type 'Precompiled'",
                failure(TestTokenizers.write(dir, root, null)));
        root = TestTokenizers.byteLevel();
        ((ObjectNode) root.get("model")).put("type", "Unigram");
        assertEquals(dir.resolve("tokenizer.json") + ": unsupported model type 'Unigram' (only BPE is supported)",
                failure(TestTokenizers.write(dir, root, null)));
        root = TestTokenizers.byteLevel();
        root.putObject("decoder").put("type", "CTC");
        assertEquals(dir.resolve("tokenizer.json") + ": unsupported decoder type 'CTC'",
                failure(TestTokenizers.write(dir, root, null)));
    }

    @Test
    void brokenMerges() {
        ObjectNode root = TestTokenizers.byteLevel();
        ((com.fasterxml.jackson.databind.node.ArrayNode) root.get("model").get("merges")).add("zz q");
        String m = failure(TestTokenizers.write(dir, root, null));
        assertTrue(m.contains("merge 10") && m.contains("'zz'"), m);
    }

    @Test
    void badRegex() {
        ObjectNode root = TestTokenizers.byteLevel();
        ((ObjectNode) root.get("pre_tokenizer").get("pretokenizers").get(0).get("pattern")).put("Regex", "(unclosed");
        String m = failure(TestTokenizers.write(dir, root, null));
        assertTrue(m.contains("regex '(unclosed' does not compile"), m);
    }

    @Test
    void bosAndEosComeFromTheConfig() {
        ObjectNode config = TestTokenizers.JSON.createObjectNode();
        config.put("bos_token", "<|begin_of_text|>");
        config.putObject("eos_token").put("content", "<|eot_id|>");
        Tokenizer t = Tokenizer.load(TestTokenizers.write(dir, TestTokenizers.byteLevel(), config));
        assertEquals("<|begin_of_text|>", t.bosToken().orElseThrow());
        assertEquals("<|eot_id|>", t.eosToken().orElseThrow());
        assertEquals(TestTokenizers.BOS, t.bosIds()[0]);
        assertEquals(TestTokenizers.EOT, t.eosIds()[0]);
    }
}
