package io.kvasir.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kvasir.bench.RunMetadata;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `kvasir longbench` and `kvasir longbench-score` end to end on the fixture model and committed samples. */
class LongBenchCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path DATA = Fixtures.ROOT.resolve("longbench/data");

    @Test
    void scoreCommandWritesTheOfficialScores(@TempDir Path tmp) throws IOException {
        Path pred = tmp.resolve("pred");
        Files.createDirectories(pred);
        try (var files = Files.list(Fixtures.ROOT.resolve("longbench/pred"))) {
            for (Path f : files.toList()) Files.copy(f, pred.resolve(f.getFileName()));
        }
        Cli r = Cli.run("longbench-score", "--pred", pred.toString());
        assertEquals(0, r.exitCode(), r.err());
        JsonNode result = JSON.readTree(pred.resolve("result.json").toFile());
        JsonNode ref = Fixtures.json(Fixtures.ROOT.resolve("longbench/metrics_reference.json"));
        for (JsonNode d : ref.get("datasets")) {
            assertEquals(d.get("score").asDouble(), result.get(d.get("dataset").asText()).asDouble(), 0.0,
                    d.get("dataset").asText());
        }
        assertTrue(result.get("_meta").get("scorer").asText().contains("kvasir"));

        Cli e = Cli.run("longbench-score", "--pred", pred.toString(), "-e", "--out", tmp.resolve("e.json").toString());
        assertEquals(0, e.exitCode(), e.err());
        JsonNode buckets = JSON.readTree(tmp.resolve("e.json").toFile());
        for (JsonNode d : ref.get("datasets")) {
            JsonNode want = d.get("score_e");
            JsonNode got = buckets.get(d.get("dataset").asText());
            want.properties().forEach(b -> assertEquals(b.getValue().isNull() ? "null" : b.getValue().asText(),
                    got.get(b.getKey()).isNull() ? "null" : got.get(b.getKey()).asText(), b.getKey()));
        }
    }

    @Test
    void scoreCommandRejectsAnUnknownDataset(@TempDir Path tmp) throws IOException {
        Files.writeString(tmp.resolve("nosuch.jsonl"), "{\"pred\":\"x\",\"answers\":[\"x\"],\"all_classes\":null}\n");
        Cli r = Cli.run("longbench-score", "--pred", tmp.toString());
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains("unknown LongBench dataset 'nosuch'"), r.err());
    }

    @Test
    void runnerWritesOfficialLayoutTruncatesAndResumes(@TempDir Path tmp) throws IOException {
        Path model = Fixtures.model("qwen2-bias-f32");
        Path out = tmp.resolve("out");
        Cli r = Cli.run("longbench", "--model", model.toString(), "--data", DATA.toString(),
                "--datasets", "hotpotqa,trec,passage_count", "--out", out.toString(), "--max-input-tokens", "128");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.err().contains("hotpotqa 2/3"), "progress on stderr: " + r.err());

        List<JsonNode> hp = lines(out.resolve("hotpotqa.jsonl"));
        assertEquals(List.of("hp-short", "hp-long", "hp-third"), hp.stream().map(n -> n.get("_id").asText()).toList());
        for (JsonNode n : hp) {
            for (String field : List.of("pred", "answers", "all_classes", "length")) assertTrue(n.has(field), field);
            assertTrue(n.get("prompt_tokens").asInt() <= 130, "truncated near the limit: " + n);
            assertTrue(n.get("kv_bytes").asLong() > 0);
        }
        assertTrue(hp.get(1).get("prompt_tokens").asInt() >= 120, "the long example was cut to about 128 tokens");
        assertEquals("settlers", hp.get(1).get("answers").get(0).asText());
        assertEquals(2, lines(out.resolve("passage_count.jsonl")).getFirst().get("answers").get(0).asInt());
        assertEquals(6, lines(out.resolve("trec.jsonl")).getFirst().get("all_classes").size());

        JsonNode run = JSON.readTree(out.resolve("run.json").toFile());
        assertEquals(RunMetadata.sha256(model.resolve("config.json")), run.get("model_config_sha256").asText());
        assertEquals("full", run.get("method").asText());
        assertEquals(128, run.get("max_input_tokens").asInt());

        // Resumption: drop the last two lines, tear the remaining one's tail, run again.
        List<String> raw = Files.readAllLines(out.resolve("hotpotqa.jsonl"));
        Files.writeString(out.resolve("hotpotqa.jsonl"), raw.get(0) + "\n" + raw.get(1).substring(0, 20));
        Cli again = Cli.run("longbench", "--model", model.toString(), "--data", DATA.toString(),
                "--datasets", "hotpotqa", "--out", out.toString(), "--max-input-tokens", "128");
        assertEquals(0, again.exitCode(), again.err());
        assertFalse(again.err().contains("hotpotqa 1/3"), "done example skipped: " + again.err());
        List<JsonNode> resumed = lines(out.resolve("hotpotqa.jsonl"));
        assertEquals(List.of("hp-short", "hp-long", "hp-third"), resumed.stream().map(n -> n.get("_id").asText()).toList());
        assertEquals(hp.get(1).get("pred").asText(), resumed.get(1).get("pred").asText(), "greedy is deterministic");

        Cli score = Cli.run("longbench-score", "--pred", out.toString());
        assertEquals(0, score.exitCode(), score.err());
        JsonNode result = JSON.readTree(out.resolve("result.json").toFile());
        assertTrue(result.has("hotpotqa") && result.has("trec") && result.has("passage_count"));
        assertEquals("full", result.get("_meta").get("run").get("method").asText());
    }

    @Test
    void sweepIsScoredPerRunAndCompared(@TempDir Path tmp) throws IOException {
        Path out = tmp.resolve("sweep");
        Cli r = Cli.run("longbench", "--model", Fixtures.model("qwen2-bias-f32").toString(), "--data", DATA.toString(),
                "--datasets", "hotpotqa,trec", "--out", out.toString(), "--max-input-tokens", "128", "--limit", "1",
                "--method", "full,snapkv", "--budget", "48");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.err().contains("] 4/4 100%"), r.err());
        for (String n : List.of("full-kv32", "snapkv-b48-kv32")) {
            JsonNode run = JSON.readTree(out.resolve(n).resolve("run.json").toFile());
            assertEquals(2, run.get("items").asInt(), n);
            assertTrue(run.get("mean_kv_bytes").asDouble() > 0 && run.has("finished_utc"), n);
            assertEquals(1, lines(out.resolve(n).resolve("hotpotqa.jsonl")).size());
        }
        Cli score = Cli.run("longbench-score", "--pred", out.toString());
        assertEquals(0, score.exitCode(), score.err());
        assertTrue(Files.exists(out.resolve("full-kv32/result.json")) && Files.exists(out.resolve("snapkv-b48-kv32/result.json")));
        Cli c = Cli.run("compare", out.toString());
        assertEquals(0, c.exitCode(), c.err());
        List<String> rows = c.out().lines().toList();
        assertEquals("| method | budget (tokens) | KV bits | effective bits | mean KV | hotpotqa | trec | Avg | model | run |",
                rows.get(0));
        assertTrue(rows.get(2).startsWith("| full | - | 32 | 32.00 | ") && rows.get(3).startsWith("| snapkv | 48 | 32 | 32.00 | "),
                c.out());
        assertTrue(rows.get(3).endsWith("| qwen2-bias-f32 | " + out.resolve("snapkv-b48-kv32") + " |"), c.out());
    }

    @Test
    void officialProfileUsesTheChatTemplateExceptForFewShotTasks(@TempDir Path tmp) throws IOException {
        Path out = tmp.resolve("out");
        Cli r = Cli.run("longbench", "--model", Fixtures.model("qwen2-bias-f32").toString(), "--data", DATA.toString(),
                "--datasets", "hotpotqa,trec", "--out", out.toString(), "--max-input-tokens", "4000", "--profile", "official",
                "--limit", "1");
        assertEquals(0, r.exitCode(), r.err());
        List<JsonNode> hp = lines(out.resolve("hotpotqa.jsonl"));
        assertEquals(1, hp.size(), "--limit 1");
        assertTrue(hp.getFirst().get("chat_template").asBoolean());
        assertFalse(lines(out.resolve("trec.jsonl")).getFirst().get("chat_template").asBoolean());
        assertEquals("official", JSON.readTree(out.resolve("run.json").toFile()).get("profile").asText());
    }

    @Test
    void unknownModelWithoutLimitFailsInOneLine(@TempDir Path tmp) {
        Cli r = Cli.run("longbench", "--model", Fixtures.model("qwen2-bias-f32").toString(), "--data", DATA.toString(),
                "--datasets", "trec", "--out", tmp.toString());
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains("--max-input-tokens"), r.err());
    }

    private static List<JsonNode> lines(Path file) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        for (String l : Files.readAllLines(file)) if (!l.isBlank()) out.add(JSON.readTree(l));
        return out;
    }
}
