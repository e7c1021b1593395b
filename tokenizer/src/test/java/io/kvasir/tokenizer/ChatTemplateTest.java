package io.kvasir.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChatTemplateTest {
    private static final List<ChatMessage> CHAT = List.of(
            new ChatMessage("user", "  hi there \n"), new ChatMessage("assistant", "ok"));

    @TempDir
    Path dir;

    private static String render(String template, List<ChatMessage> messages, boolean prompt) {
        return new ChatTemplate(template, Map.of("bos_token", "<s>", "eos_token", "</s>")).render(messages, prompt);
    }

    @Test
    void blockTagsEatTheirLineAsWithTrimAndLstripBlocks() {
        String template = """
                {% for m in messages %}
                  {% if m.role == 'user' %}
                [{{ m.content | trim }}]
                  {% endif %}
                {% endfor %}
                {% if add_generation_prompt %}
                  <gen>
                {% endif %}
                """;
        assertEquals("[hi there]\n", render(template, CHAT, false));
        assertEquals("[hi there]\n  <gen>\n", render(template, CHAT, true));
    }

    @Test
    void pythonExpressionsWork() {
        String template = "{{ bos_token }}{{ messages[0]['content'].strip().upper() }}|{{ messages[0].content.startswith('  hi') }}"
                + "|{{ messages|length }}|{{ messages[-1].role }}|{{ messages[1:]|length }}"
                + "|{% for m in messages %}{{ m.role + ':' + m.content|trim }}{% if not loop.last %}, {% endif %}{% endfor %}"
                + "|{{ 'x' if messages[0]['role'] == 'user' else 'y' }}{{ eos_token }}";
        assertEquals("<s>HI THERE|True|2|assistant|1|user:hi there, assistant:ok|x</s>", render(template, CHAT, false));
    }

    @Test
    void tojsonIsPythonsJsonDumps() {
        String template = "{{ messages[0] | tojson }}";
        assertEquals("{\"role\": \"user\", \"content\": \"caf\u00e9 \\\"q\\\"\\n\"}",
                render(template, List.of(new ChatMessage("user", "caf\u00e9 \"q\"\n")), false));
    }

    @Test
    void messageTextIsNeverRenderedAsATemplate() {
        assertEquals("<{{ 7*7 }}>", render("{{ '<' + messages[0].content + '>' }}",
                List.of(new ChatMessage("user", "{{ 7*7 }}")), false));
    }

    @Test
    void raiseExceptionStopsWithTheTemplatesMessage() {
        String template = "{% for m in messages %}{% if (m.role == 'user') != (loop.index0 % 2 == 0) %}"
                + "{{ raise_exception('Roles must alternate user/assistant') }}{% endif %}{{ m.content }}{% endfor %}";
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> render(template, List.of(new ChatMessage("assistant", "a")), false));
        assertEquals("chat template: Roles must alternate user/assistant", e.getMessage());
    }

    @Test
    void oneTrailingNewlineOfTheSourceIsDropped() {
        assertEquals("a\n", render("a\n\n", CHAT, false));
        assertEquals("a", render("a\r\n", CHAT, false));
    }

    @Test
    void loadsTheDefaultOfNamedTemplatesAndTheSpecialTokens() throws IOException {
        ObjectNode config = TestTokenizers.JSON.createObjectNode();
        config.put("bos_token", "<|bos|>");
        config.putObject("eos_token").put("content", "<|eos|>");
        config.putArray("chat_template")
                .add(TestTokenizers.JSON.createObjectNode().put("name", "tool_use").put("template", "tools"))
                .add(TestTokenizers.JSON.createObjectNode().put("name", "default")
                        .put("template", "{{ bos_token }}{{ messages[0].content }}{{ eos_token }}"));
        Files.writeString(dir.resolve("tokenizer_config.json"), TestTokenizers.JSON.writeValueAsString(config));
        ChatTemplate t = ChatTemplate.load(dir).orElseThrow();
        assertEquals("<|bos|>hi<|eos|>", t.render(List.of(new ChatMessage("user", "hi")), false));
    }

    @Test
    void noTemplateIsEmpty() throws IOException {
        assertTrue(ChatTemplate.load(dir).isEmpty());
        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"bos_token\": \"<s>\"}");
        assertFalse(ChatTemplate.load(dir).isPresent());
    }

    @Test
    void aJinjaFileBesideTheConfigWins() throws IOException {
        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"chat_template\": \"config\"}");
        Files.writeString(dir.resolve("chat_template.jinja"), "file {{ messages|length }}\n");
        assertEquals("file 2", ChatTemplate.load(dir).orElseThrow().render(CHAT, false));
    }
}
