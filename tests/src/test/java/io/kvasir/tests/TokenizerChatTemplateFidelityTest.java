package io.kvasir.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.kvasir.tokenizer.ChatMessage;
import io.kvasir.tokenizer.ChatTemplate;
import io.kvasir.tokenizer.Tokenizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Chat templates against transformers' apply_chat_template (jinja2): every conversation of the
 * fixtures, with and without the generation prompt, renders to the same text and the same ids.
 */
class TokenizerChatTemplateFidelityTest {
    @TestFactory
    Stream<DynamicTest> chatTemplatesMatchTransformers() {
        List<DynamicTest> tests = new ArrayList<>();
        for (String name : TokenizerFidelityTest.tokenizers()) {
            Path dir = TokenizerFidelityTest.tokenizerDir(name);
            Tokenizer tokenizer = Tokenizer.load(dir);
            ChatTemplate template = ChatTemplate.load(dir).orElseThrow();
            JsonNode chats = TokenizerFidelityTest.reference(name).get("chat");
            for (int i = 0; i < chats.size(); i++) {
                JsonNode c = chats.get(i);
                tests.add(DynamicTest.dynamicTest(name + " chat #" + i, () -> checkChat(tokenizer, template, c)));
            }
        }
        return tests.stream();
    }

    private static void checkChat(Tokenizer tokenizer, ChatTemplate template, JsonNode c) {
        List<ChatMessage> messages = new ArrayList<>();
        for (JsonNode m : c.get("messages")) {
            messages.add(new ChatMessage(m.get("role").asText(), m.get("content").asText()));
        }
        String rendered = template.render(messages, c.get("add_generation_prompt").asBoolean());
        assertEquals(c.get("rendered").asText(), rendered);
        assertArrayEquals(Fixtures.ints(c.get("ids")), tokenizer.encode(rendered, false), "ids of the rendered chat");
    }
}
