package io.kvasir.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.kvasir.tokenizer.StreamingDecoder;
import io.kvasir.tokenizer.Tokenizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Our tokenizer against Hugging Face `tokenizers` (fixtures/tokenizers/<model>.json, made by
 * tests/tools with the fixture models' tokenizer.json): for every test string, the ids without and
 * with special tokens, the decoded text, and the same text again when the ids are streamed one by one.
 */
class TokenizerFidelityTest {
    /** The fixture models, plus the Mistral vocabulary with the Metaspace pipeline of newer repos. */
    static List<String> tokenizers() {
        List<String> names = new ArrayList<>(Fixtures.MODELS);
        names.add("mistral-metaspace");
        return names;
    }

    static Path tokenizerDir(String name) {
        Path own = Fixtures.ROOT.resolve("tokenizers").resolve(name);
        return own.resolve("tokenizer.json").toFile().isFile() ? own : Fixtures.model(name);
    }

    static JsonNode reference(String name) {
        return Fixtures.json(Fixtures.ROOT.resolve("tokenizers").resolve(name + ".json"));
    }

    @TestFactory
    Stream<DynamicTest> encodeAndDecodeMatchTokenizers() {
        List<DynamicTest> tests = new ArrayList<>();
        for (String name : tokenizers()) {
            Tokenizer tokenizer = Tokenizer.load(tokenizerDir(name));
            JsonNode cases = reference(name).get("cases");
            for (int i = 0; i < cases.size(); i++) {
                JsonNode c = cases.get(i);
                tests.add(DynamicTest.dynamicTest(name + " #" + i, () -> checkCase(tokenizer, c)));
            }
        }
        return tests.stream();
    }

    private static void checkCase(Tokenizer tokenizer, JsonNode c) {
        String text = c.get("text").asText();
        int[] ids = Fixtures.ints(c.get("ids"));
        assertArrayEquals(ids, tokenizer.encode(text, false), "ids of " + quote(text));
        assertArrayEquals(Fixtures.ints(c.get("ids_with_special")), tokenizer.encode(text, true),
                "ids with special tokens of " + quote(text));
        String decoded = c.get("decoded").asText();
        assertEquals(decoded, tokenizer.decode(ids, false), "decoded " + quote(text));
        StreamingDecoder stream = tokenizer.streamingDecoder();
        StringBuilder streamed = new StringBuilder();
        for (int id : ids) {
            streamed.append(stream.push(id));
        }
        streamed.append(stream.flush());
        assertEquals(decoded, streamed.toString(), "streamed " + quote(text));
    }

    static String quote(String s) {
        StringBuilder out = new StringBuilder("\"");
        s.codePoints().forEach(cp -> out.append(cp < 0x20 || cp == 0x7F ? String.format("\\u%04x", cp) : Character.toString(cp)));
        return out.append('"').toString();
    }
}
