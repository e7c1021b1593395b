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
        assertEquals("| run | qasper | trec | Avg |\n|---|---:|---:|---:|\n| full | 40.00 | 60.50 | 50.25 |\n"
                + "| snapkv 128 | 30.25 | - | 30.25 |\n", r.out());
        assertEquals(2, Cli.run("compare", tmp.resolve("missing.json").toString()).exitCode());
    }
}
