package io.kvasir.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Templates with Python-isms and whitespace control, against jinja2 with transformers' settings
 * (jinja2-reference.json, see make_reference.py), including 300 randomly assembled templates of
 * text, block/comment/expression tags and their -/+ markers.
 */
class Jinja2ReferenceTest {
    private static final Map<String, Object> SPECIALS = Map.of("bos_token", "<s>", "eos_token", "</s>");

    @SuppressWarnings("unchecked")
    private static Map<String, Object> context(JsonNode messages, boolean prompt) {
        Map<String, Object> context = new HashMap<>(SPECIALS);
        context.put("messages", TestTokenizers.JSON.convertValue(messages, List.class));
        context.put("add_generation_prompt", prompt);
        context.put("tools", null);
        context.put("documents", null);
        return context;
    }

    @TestFactory
    Stream<DynamicTest> templatesRenderAsInJinja2() throws IOException {
        JsonNode ref = TokenizerVariantsTest.resource("jinja2-reference.json");
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode c : ref.get("cases")) {
            String name = c.get("template").asText();
            ChatTemplate template = new ChatTemplate(ref.get("templates").get(name).asText(), SPECIALS);
            Map<String, Object> context = context(ref.get("conversations").get(c.get("conversation").asInt()),
                    c.get("add_generation_prompt").asBoolean());
            tests.add(DynamicTest.dynamicTest(name + " / conversation " + c.get("conversation").asInt()
                    + (c.get("add_generation_prompt").asBoolean() ? " + prompt" : ""), () -> {
                if (c.get("error").isNull()) {
                    assertEquals(c.get("rendered").asText(), template.render(context));
                } else {
                    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> template.render(context));
                    assertEquals("chat template: " + c.get("error").asText(), e.getMessage());
                }
            }));
        }
        JsonNode fuzz = ref.get("fuzz");
        for (int i = 0; i < fuzz.size(); i++) {
            JsonNode c = fuzz.get(i);
            String source = c.get("template").asText();
            tests.add(DynamicTest.dynamicTest("whitespace #" + i, () -> assertEquals(c.get("rendered").asText(),
                    new ChatTemplate(source, SPECIALS).render(context(ref.get("conversations").get(1), false)), source)));
        }
        return tests.stream();
    }
}
