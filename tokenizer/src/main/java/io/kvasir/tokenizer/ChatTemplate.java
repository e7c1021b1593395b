package io.kvasir.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.LegacyOverrides;
import com.hubspot.jinjava.interpret.RenderResult;
import com.hubspot.jinjava.interpret.TemplateError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A model's chat template (tokenizer_config.json "chat_template", or chat_template.jinja/.json beside
 * it), rendered with jinjava made to behave like the jinja2 environment of transformers'
 * apply_chat_template: the source is first rewritten for jinja2's lexer rules (trailing newline,
 * lstrip_blocks, comments; see JinjaSource), jinjava does trim_blocks, values print as Python's
 * str(), Python's str and dict methods work, tojson is Python's json.dumps, trim is str.strip, and
 * raise_exception / strftime_now are globals. Message text is never interpreted as template code.
 * Thread-safe.
 */
public final class ChatTemplate {
    private static final String SPECIAL_KEYS[] = {
        "bos_token", "eos_token", "unk_token", "sep_token", "pad_token", "cls_token", "mask_token"};

    private final String source;
    private final Map<String, Object> specialTokens;
    private final Jinjava jinjava;

    ChatTemplate(String source, Map<String, Object> specialTokens) {
        this.source = JinjaSource.rewrite(source);
        this.specialTokens = Map.copyOf(specialTokens);
        this.jinjava = newJinjava();
    }

    /**
     * The chat template of a model folder: chat_template.jinja, else chat_template.json, else
     * tokenizer_config.json's chat_template (a string, or a list of named templates: "default");
     * empty when there is none.
     */
    public static Optional<ChatTemplate> load(Path modelDir) {
        Path configFile = modelDir.resolve("tokenizer_config.json");
        JsonNode config = Tokenizer.readJson(configFile, false);
        Map<String, Object> specials = new HashMap<>();
        if (config != null) {
            for (String key : SPECIAL_KEYS) {
                JsonNode n = config.get(key);
                String name = n == null || n.isNull() ? null : n.isObject() ? n.path("content").asText(null) : n.asText();
                if (name != null) {
                    specials.put(key, name);
                }
            }
        }
        Path jinjaFile = modelDir.resolve("chat_template.jinja");
        if (Files.isRegularFile(jinjaFile)) {
            try {
                return Optional.of(new ChatTemplate(Files.readString(jinjaFile), specials));
            } catch (IOException e) {
                throw new TokenizerFormatException(jinjaFile + ": cannot read: " + e.getMessage(), e);
            }
        }
        Path jsonFile = modelDir.resolve("chat_template.json");
        JsonNode json = Tokenizer.readJson(jsonFile, false);
        if (json != null && json.has("chat_template")) {
            return templateOf(json.get("chat_template"), jsonFile, specials);
        }
        if (config == null || !config.has("chat_template")) {
            return Optional.empty();
        }
        return templateOf(config.get("chat_template"), configFile, specials);
    }

    private static Optional<ChatTemplate> templateOf(JsonNode node, Path file, Map<String, Object> specials) {
        if (node.isNull()) {
            return Optional.empty();
        }
        if (node.isTextual()) {
            return Optional.of(new ChatTemplate(node.asText(), specials));
        }
        if (node.isArray()) {
            for (JsonNode t : node) {
                if ("default".equals(t.path("name").asText()) && t.path("template").isTextual()) {
                    return Optional.of(new ChatTemplate(t.get("template").asText(), specials));
                }
            }
            throw new TokenizerFormatException(file + ": chat_template lists named templates but none is called 'default'");
        }
        throw new TokenizerFormatException(file + ": chat_template is neither a string nor a list of named templates");
    }

    /** Renders messages; with addGenerationPrompt the template's assistant header is appended. */
    public String render(List<ChatMessage> messages, boolean addGenerationPrompt) {
        List<Map<String, Object>> list = new ArrayList<>(messages.size());
        for (ChatMessage m : messages) {
            Map<String, Object> map = new LinkedHashMap<>();
            map.put("role", m.role());
            map.put("content", m.content());
            list.add(map);
        }
        Map<String, Object> context = new HashMap<>(specialTokens);
        context.put("messages", list);
        context.put("add_generation_prompt", addGenerationPrompt);
        return render(context);
    }

    /** Renders with an arbitrary context (the variables transformers would pass). */
    String render(Map<String, Object> context) {
        RenderResult result;
        try {
            result = jinjava.renderForResult(source, context);
        } catch (RuntimeException e) {
            String raised = JinjaPython.raisedMessage(e);
            throw new IllegalArgumentException("chat template: " + oneLine(raised != null ? raised : e.getMessage()), e);
        }
        for (TemplateError error : result.getErrors()) {
            if (error.getSeverity() == TemplateError.ErrorType.FATAL) {
                String raised = JinjaPython.raisedMessage(error.getException());
                String why = raised != null ? raised : error.getMessage();
                throw new IllegalArgumentException("chat template: " + oneLine(why)
                        + (raised == null && error.getLineno() > 0 ? " (line " + error.getLineno() + ")" : ""));
            }
        }
        return result.getOutput();
    }

    private static String oneLine(String s) {
        return s == null ? "rendering failed" : s.replaceAll("\\s*[\\r\\n]+\\s*", " ").strip();
    }

    private static Jinjava newJinjava() {
        JinjavaConfig config = JinjavaConfig.newBuilder()
                .withTrimBlocks(true)
                .withNestedInterpretationEnabled(false)
                .withElResolver(JinjaPython.resolver())
                .withInterperterFactory(PythonInterpreter.FACTORY)
                .withLegacyOverrides(LegacyOverrides.newBuilder()
                        .withUseTrimmingForNotesAndExpressions(true)
                        .withUseNaturalOperatorPrecedence(true)
                        .withParseWhitespaceControlStrictly(true)
                        .withKeepNullableLoopValues(true)
                        .build())
                .build();
        Jinjava jinjava = new Jinjava(config);
        JinjaPython.register(jinjava);
        return jinjava;
    }
}
