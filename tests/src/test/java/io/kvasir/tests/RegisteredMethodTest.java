package io.kvasir.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kvasir.compression.CompressionMethods;
import io.kvasir.tests.recent.RecentTokensMethod;
import io.kvasir.tests.recent.RecentTokensPolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Adding a method needs no edit outside its own package and its registration: a method that exists
 * only in the tests ({@code io.kvasir.tests.recent}) is registered here and run through {@code generate}
 * like a built-in one, its help line, results, kept positions and byte-budget plan included. It keeps the
 * last B prompt tokens, StreamingLLM's rule with no sinks, so every number is checked against that
 * built-in method run with {@code --sinks 0}.
 */
class RegisteredMethodTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String MODEL = Fixtures.model("llama-gqa-bf16").toString();
    static final String PROMPT = "The quick brown fox jumps over the lazy dog and keeps running far away";

    @BeforeAll
    static void register() {
        CompressionMethods.register(new RecentTokensMethod());
    }

    @AfterAll
    static void unregister() {
        CompressionMethods.unregister(RecentTokensPolicy.NAME);
    }

    static JsonNode generate(String method, String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("generate", "--model", MODEL, "--prompt", PROMPT,
                "--max-new-tokens", "6", "--json", "--method", method));
        if (method.equals("streamingllm")) args.addAll(List.of("--sinks", "0"));
        args.addAll(List.of(extra));
        Cli r = Cli.run(args.toArray(String[]::new));
        assertEquals(0, r.exitCode(), r.err());
        return JSON.readTree(r.out());
    }

    @Test
    void runsThroughGenerateLikeTheBuiltInRuleItRepeats(@TempDir Path dir) throws Exception {
        Path map = dir.resolve("kept.json");
        JsonNode recent = generate("recent", "--budget", "8", "--kept-map", map.toString());
        JsonNode streaming = generate("streamingllm", "--budget", "8");
        assertEquals("recent", recent.get("kv").get("method").asText());
        assertEquals("RECENT", recent.get("kv").get("params").get("method").asText());
        SameSteps.assertSameSteps(streaming, recent);
        assertEquals(streaming.get("kv").get("bytes"), recent.get("kv").get("bytes"));
        int n = recent.get("prompt_ids").size();
        assertTrue(n > 8, "the prompt must be longer than the budget, got " + n);
        int[] last = IntStream.range(n - 8, n).toArray();
        for (JsonNode layer : JSON.readTree(Files.readString(map)).get("kept")) {
            for (JsonNode head : layer) assertArrayEquals(last, Fixtures.ints(head));
        }
    }

    @Test
    void theByteBudgetPlannerAsksTheMethod() throws Exception {
        String[] flags = {"--kv-budget", "3000B", "--quant-group", "8", "--quant-residual", "0"};
        JsonNode recent = generate("recent", flags).get("kv").get("budget_plan");
        JsonNode streaming = generate("streamingllm", flags).get("kv").get("budget_plan");
        assertTrue(recent.get("pruned").asBoolean(), recent.toString());
        assertEquals(streaming.get("token_budget"), recent.get("token_budget"));
        assertEquals(streaming.get("layer_tokens"), recent.get("layer_tokens"));
        assertEquals(streaming.get("planned_bytes"), recent.get("planned_bytes"));
    }

    @Test
    void helpAndErrorsListIt() {
        Cli help = Cli.run("generate", "--help");
        assertTrue(help.out().replaceAll("\\s+", " ").contains("pyramidkv, windowkv, recent;"), help.out());
        Cli unknown = Cli.run("generate", "--model", MODEL, "--prompt", "x", "--method", "nope");
        assertEquals(2, unknown.exitCode());
        assertTrue(unknown.err().contains("known methods: full, streamingllm, h2o, snapkv, pyramidkv, windowkv, recent"),
                unknown.err());
        assertFalse(unknown.err().contains("\tat "), unknown.err());
    }
}
