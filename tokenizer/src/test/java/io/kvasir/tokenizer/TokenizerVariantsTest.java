package io.kvasir.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * tokenizer.json pipelines beyond the fixture models' (see make_reference.py), against the ids and
 * text that Hugging Face `tokenizers` produced for them.
 */
class TokenizerVariantsTest {
    static JsonNode resource(String name) throws IOException {
        try (InputStream in = TokenizerVariantsTest.class.getResourceAsStream(name)) {
            return TestTokenizers.JSON.readTree(in);
        }
    }

    static int[] ints(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asInt();
        }
        return out;
    }

    @TestFactory
    Stream<DynamicTest> variantsMatchTokenizers() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        for (Map.Entry<String, JsonNode> variant : resource("tokenizer-variants.json").properties()) {
            Tokenizer t = Tokenizer.fromJson(variant.getValue().get("tokenizer"), null);
            JsonNode cases = variant.getValue().get("cases");
            for (int i = 0; i < cases.size(); i++) {
                JsonNode c = cases.get(i);
                tests.add(DynamicTest.dynamicTest(variant.getKey() + " #" + i, () -> {
                    String text = c.get("text").asText();
                    int[] ids = ints(c.get("ids"));
                    assertArrayEquals(ids, t.encode(text, false), text);
                    assertArrayEquals(ints(c.get("ids_with_special")), t.encode(text, true), text);
                    assertEquals(c.get("decoded").asText(), t.decode(ids, false), text);
                }));
            }
        }
        return tests.stream();
    }
}
