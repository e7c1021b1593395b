package io.kvasir.bench.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kvasir.bench.needle.Haystack;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The RULER-style retrieval task of {@code kvasir demo}: facts "The special magic number for KEY is
 * NNNNNN." hidden in filler text, one asked for, the others distractors.
 *
 * <p>The bundled demo model was trained on exactly this format; its folder carries the definition
 * ({@code demo_task.json} and the filler {@code haystack.txt}, written by tools/train_demo_model.py),
 * so the demo asks what the model learned. Other models get the same wording (RULER's niah template)
 * with the built-in essay text as filler.
 *
 * @param sentences   filler sentences, used in order from a seeded start
 * @param distractors facts besides the asked one
 * @param lengths     the demo's default context lengths in tokens (a model trained on shorter contexts
 *                    says so in its demo_task.json)
 * @param budget      the demo's default token budget
 * @param window      the demo's default observation window (short contexts want a shorter one)
 */
public record RetrievalTask(String instruction, String fact, String question, String answerPrefix, int valueDigits,
                            List<String> keys, int distractors, List<String> sentences, List<Integer> lengths, int budget,
                            int window) {
    static final List<Integer> DEFAULT_LENGTHS = List.of(512, 1024, 2048);
    static final int DEFAULT_BUDGET = 128, DEFAULT_WINDOW = 32;

    static final String FILE = "demo_task.json";
    private static final Pattern SENTENCE_END = Pattern.compile("(?<=[.!?])\\s+");

    public RetrievalTask {
        keys = List.copyOf(keys);
        sentences = List.copyOf(sentences);
        lengths = List.copyOf(lengths);
        if (lengths.isEmpty() || budget < 1 || window < 1) throw new IllegalArgumentException("demo lengths, budget and window must be set");
        if (!fact.contains("{key}") || !fact.contains("{value}") || !question.contains("{key}")) {
            throw new IllegalArgumentException("the fact needs {key} and {value}, the question {key}");
        }
        if (valueDigits < 1 || valueDigits > 9) throw new IllegalArgumentException("value_digits must be 1..9, got " + valueDigits);
        if (keys.size() < distractors + 1) {
            throw new IllegalArgumentException(keys.size() + " keys cannot give " + distractors + " distractors plus the asked fact");
        }
        if (distractors < 0) throw new IllegalArgumentException("distractors must not be negative");
        if (sentences.isEmpty()) throw new IllegalArgumentException("the filler text has no sentences");
    }

    /** The model folder's demo_task.json when there is one, else RULER's wording over the built-in essay. */
    public static RetrievalTask forModel(Path modelDir) {
        Path file = modelDir.resolve(FILE);
        return Files.exists(file) ? read(file) : defaults();
    }

    static RetrievalTask defaults() {
        return new RetrievalTask(
                "Some special magic numbers are hidden within the following text. Make sure to memorize them. "
                        + "I will quiz you about the numbers afterwards.",
                "The special magic number for {key} is {value}.",
                "What is the special magic number for {key} mentioned in the provided text?",
                "The special magic number for {key} mentioned in the provided text is", 7,
                List.of("falcon", "otter", "walnut", "quartz", "cobalt", "saffron", "juniper", "heron", "lynx", "marble",
                        "cedar", "amber", "pelican", "tundra", "glacier", "comet", "nebula", "orchid", "cactus", "bamboo"),
                3, splitSentences(Haystack.builtIn()), DEFAULT_LENGTHS, DEFAULT_BUDGET, DEFAULT_WINDOW);
    }

    static RetrievalTask read(Path file) {
        try {
            JsonNode n = new ObjectMapper().readTree(Files.readString(file, StandardCharsets.UTF_8));
            List<String> keys = new ArrayList<>();
            JsonNode k = field(n, "keys", file);
            if (!k.isArray()) throw new IllegalArgumentException(file + ": \"keys\" must be an array of strings");
            k.forEach(x -> keys.add(x.asText()));
            Path haystack = file.resolveSibling(field(n, "haystack", file).asText());
            if (!Files.isRegularFile(haystack)) throw new IllegalArgumentException(file + ": haystack file " + haystack + " not found");
            return new RetrievalTask(field(n, "instruction", file).asText(), field(n, "fact", file).asText(),
                    field(n, "question", file).asText(), field(n, "answer_prefix", file).asText(),
                    field(n, "value_digits", file).asInt(), keys, field(n, "distractors", file).asInt(),
                    splitSentences(Files.readString(haystack, StandardCharsets.UTF_8)), lengths(n, file),
                    n.has("demo_budget") ? field(n, "demo_budget", file).asInt() : DEFAULT_BUDGET,
                    n.has("demo_window") ? field(n, "demo_window", file).asInt() : DEFAULT_WINDOW);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage());
        }
    }

    private static List<Integer> lengths(JsonNode n, Path file) {
        JsonNode a = n.get("demo_lengths");
        if (a == null) return DEFAULT_LENGTHS;
        if (!a.isArray() || a.isEmpty()) throw new IllegalArgumentException(file + ": \"demo_lengths\" must be a list of token counts");
        List<Integer> out = new ArrayList<>();
        a.forEach(x -> out.add(x.asInt()));
        return out;
    }

    private static JsonNode field(JsonNode n, String name, Path file) {
        JsonNode v = n.get(name);
        if (v == null || v.isNull() || v.isContainerNode() && !name.equals("keys")) {
            throw new IllegalArgumentException(file + ": missing or malformed \"" + name + "\"");
        }
        return v;
    }

    static List<String> splitSentences(String text) {
        List<String> out = new ArrayList<>();
        for (String s : SENTENCE_END.split(text.replace('\n', ' '))) {
            if (!s.isBlank()) out.add(s.strip());
        }
        return out;
    }

    String fact(String key, String value) {
        return fact.replace("{key}", key).replace("{value}", value);
    }

    String question(String key) {
        return question.replace("{key}", key);
    }

    String answerPrefix(String key) {
        return answerPrefix.replace("{key}", key);
    }
}
