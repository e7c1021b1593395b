package io.kvasir.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `kvasir ruler` on the fixture model and `kvasir compare` over result files. */
class RulerAndCompareCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void rulerWritesPredictionsAndScoresThem(@TempDir Path tmp) throws IOException {
        Path out = tmp.resolve("ruler");
        String[] args = {"ruler", "--model", Fixtures.model("qwen2-bias-f32").toString(), "--data",
            Fixtures.ROOT.resolve("ruler").toString(), "--tasks", "niah_single_1", "--out", out.toString()};
        Cli r = Cli.run(args);
        assertEquals(0, r.exitCode(), r.err());
        List<String> lines = Files.readAllLines(out.resolve("niah_single_1.jsonl"));
        assertEquals(2, lines.size());
        double total = 0;
        for (String l : lines) {
            JsonNode n = JSON.readTree(l);
            String pred = n.get("pred").asText().toLowerCase(Locale.ROOT);
            int hits = 0;
            for (JsonNode a : n.get("answers")) if (pred.contains(a.asText().toLowerCase(Locale.ROOT))) hits++;
            total += (double) hits / n.get("answers").size();
        }
        JsonNode result = JSON.readTree(out.resolve("result.json").toFile());
        assertEquals(Math.round(100 * total / 2 * 100) / 100.0, result.get("niah_single_1").asDouble(), 1e-9);
        assertEquals("ruler", result.get("_meta").get("benchmark").asText());

        Cli again = Cli.run(args);
        assertEquals(0, again.exitCode(), again.err());
        assertTrue(again.err().isBlank(), "nothing re-run: " + again.err());
    }

    @Test
    void compareMakesAMarkdownTable(@TempDir Path tmp) throws IOException {
        Files.writeString(tmp.resolve("a.json"), "{\"qasper\": 40.0, \"trec\": 60.5, \"_meta\": {\"run\": {\"method\": \"full\"}}}");
        Files.writeString(tmp.resolve("b.json"), "{\"qasper\": 30.25, \"_meta\": {\"run\": {\"method\": \"snapkv\","
                + " \"compression\": {\"budget\": 128}}}}");
        Cli r = Cli.run("compare", tmp.resolve("a.json").toString(), tmp.resolve("b.json").toString());
        assertEquals(0, r.exitCode(), r.err());
        assertEquals("| method | budget (tokens) | KV bits | effective bits | mean KV | qasper | trec | Avg | model | run |\n"
                + "|---|---:|---:|---:|---:|---:|---:|---:|---|---|\n| full | - | - | - | - | 40.00 | 60.50 | 50.25 | - | "
                + tmp.resolve("a.json") + " |\n| snapkv | 128 | - | - | - | 30.25 | - | 30.25 | - | " + tmp.resolve("b.json")
                + " |\n", r.out());
        assertEquals(2, Cli.run("compare", tmp.resolve("missing.json").toString()).exitCode());
        Files.createDirectories(tmp.resolve("empty/run"));
        Cli empty = Cli.run("compare", tmp.resolve("empty").toString());
        assertEquals(2, empty.exitCode());
        assertTrue(empty.err().contains("no result.json or summary.json"), empty.err());
    }

    @Test
    void rulerSweepRecordsStorageAndCompareReadsIt(@TempDir Path tmp) throws IOException {
        Path out = tmp.resolve("sweep");
        Cli r = Cli.run("ruler", "--model", Fixtures.model("qwen2-bias-f32").toString(), "--data",
                Fixtures.ROOT.resolve("ruler").toString(), "--tasks", "niah_single_1", "--out", out.toString(), "--limit", "1",
                "--methods", "streamingllm", "--budgets", "32", "--kv-bits", "32,8", "--quant-group", "16",
                "--quant-residual", "16");
        assertEquals(0, r.exitCode(), r.err());
        JsonNode wide = JSON.readTree(out.resolve("streamingllm-b32-kv32/result.json").toFile()).get("_meta");
        JsonNode narrow = JSON.readTree(out.resolve("streamingllm-b32-kv8/result.json").toFile()).get("_meta");
        assertEquals(32, wide.get("kv_bits").asInt());
        assertEquals(8, narrow.get("kv_storage").get("bits").asInt());
        assertEquals("kivi", narrow.get("kv_storage").get("scheme").asText());
        assertEquals(1, narrow.get("items").asInt());
        assertTrue(narrow.get("mean_kv_bytes").asDouble() < wide.get("mean_kv_bytes").asDouble() / 2,
                "8-bit codes against float32: " + narrow + wide);
        assertEquals(32.0, wide.get("mean_kv_effective_bits").asDouble(), 0.0);
        assertTrue(narrow.get("mean_kv_effective_bits").asDouble() < 16, "8-bit codes held: " + narrow);
        Cli c = Cli.run("compare", out.toString());
        assertEquals(0, c.exitCode(), c.err());
        List<String> rows = c.out().lines().toList();
        assertEquals(4, rows.size(), c.out());
        assertTrue(rows.get(2).startsWith("| streamingllm | 32 | 32 | "), c.out());
        assertTrue(rows.get(3).startsWith("| streamingllm | 32 | 8 | "), c.out());
    }
}
