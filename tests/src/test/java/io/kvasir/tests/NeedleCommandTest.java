package io.kvasir.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `kvasir needle` on the fixture model: grid, files, resumption, heatmap. */
class NeedleCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void gridFilesAndResumption(@TempDir Path tmp) throws IOException {
        Path hay = tmp.resolve("hay");
        Files.createDirectories(hay);
        Files.writeString(hay.resolve("b.txt"), "Second file. It talks about rivers and boats. ".repeat(40));
        Files.writeString(hay.resolve("a.txt"), "First file. It talks about apples and pears. ".repeat(40));
        Path out = tmp.resolve("out");
        String model = Fixtures.model("qwen2-bias-f32").toString();
        String[] args = {"needle", "--model", model, "--haystack", hay.toString(), "--min-length", "300",
            "--max-length", "420", "--step", "60", "--depth-count", "3", "--max-new-tokens", "4", "--out", out.toString()};
        Cli r = Cli.run(args);
        assertEquals(0, r.exitCode(), r.err());
        List<String> lines = Files.readAllLines(out.resolve("cells.jsonl"));
        assertEquals(9, lines.size(), "lengths 300, 360, 420 x depths 0, 50, 100");
        for (String l : lines) {
            JsonNode n = JSON.readTree(l);
            assertTrue(List.of(300, 360, 420).contains(n.get("context_length").asInt()));
            assertTrue(List.of(0.0, 50.0, 100.0).contains(n.get("depth_percent").asDouble()));
            assertTrue(n.get("prompt_tokens").asInt() < n.get("context_length").asInt(), "200-token reserve: " + l);
            double s = n.get("score_heatmap").asDouble();
            assertTrue(s >= 0 && s <= 1);
        }
        JsonNode summary = JSON.readTree(out.resolve("summary.json").toFile());
        assertEquals(9, summary.get("cells").asInt());
        assertEquals(3, summary.get("scores_by_depth").size());
        assertEquals("full", summary.get("method").asText());
        assertTrue(summary.has("model_config_sha256"));
        assertEquals(64, summary.get("model_fingerprint").asText().length());
        assertEquals(32, summary.get("kv_bits").asInt());
        assertTrue(summary.get("mean_kv_bytes").asDouble() > 0);
        assertEquals(String.format(java.util.Locale.ROOT, "full-kv32: overall score %.3f (mean over 9 cells)",
                summary.get("overall_score").asDouble()), summary.get("heatmap_title").asText());
        assertTrue(r.err().contains("] 9/9 100%"), "progress bar with ETA: " + r.err());
        assertTrue(r.err().contains("ETA"), r.err());
        BufferedImage png = ImageIO.read(out.resolve("heatmap.png").toFile());
        assertTrue(png.getWidth() > 100 && png.getHeight() > 100);

        // Resume: remove two cells and leave a torn last line (a killed run); only the two are run again.
        Files.write(out.resolve("cells.jsonl"), lines.subList(0, 7));
        Files.writeString(out.resolve("cells.jsonl"), "{\"context_length\": 420, \"depth_pe", java.nio.file.StandardOpenOption.APPEND);
        Cli again = Cli.run(args);
        assertEquals(0, again.exitCode(), again.err());
        assertTrue(again.err().contains("] 2/2 100%"), "the bar counts only the two cells left: " + again.err());
        assertFalse(again.err().contains("/9"), again.err());
        List<String> after = Files.readAllLines(out.resolve("cells.jsonl"));
        assertEquals(9, after.size());
        for (String l : after) JSON.readTree(l); // every line whole again
    }

    @Test
    void sweepWritesOneFolderPerCombinationAndCompareTabulatesIt(@TempDir Path tmp) throws IOException {
        Path out = tmp.resolve("sweep");
        String[] args = {"needle", "--model", Fixtures.model("qwen2-bias-f32").toString(), "--min-length", "400",
            "--max-length", "400", "--depth-count", "2", "--max-new-tokens", "3", "--out", out.toString(),
            "--methods", "full,snapkv", "--budgets", "32,64", "--kv-bits", "16,4", "--quant-group", "16",
            "--quant-residual", "16", "--window", "8"};
        Cli r = Cli.run(args);
        assertEquals(0, r.exitCode(), r.err());
        List<String> names = List.of("full-kv16", "full-kv4", "snapkv-b32-kv16", "snapkv-b32-kv4", "snapkv-b64-kv16",
                "snapkv-b64-kv4");
        try (var s = Files.list(out)) {
            assertEquals(names, s.map(p -> p.getFileName().toString()).sorted().toList(), "full runs once per width");
        }
        assertTrue(r.err().contains("] 12/12 100%") && r.err().contains("snapkv-b64-kv4: length 400"), r.err());
        java.util.Map<String, JsonNode> summaries = new java.util.HashMap<>();
        for (String n : names) {
            JsonNode s = JSON.readTree(out.resolve(n).resolve("summary.json").toFile());
            assertEquals(2, s.get("cells").asInt(), n);
            assertEquals(n, s.get("run_name").asText());
            assertTrue(s.get("timings").get("prefill_ms_total").asDouble() > 0, n);
            summaries.put(n, s);
        }
        JsonNode q = summaries.get("snapkv-b32-kv4");
        assertEquals("snapkv", q.get("method").asText());
        assertEquals(32, q.get("compression").get("budget").asInt());
        assertEquals(4, q.get("kv_storage").get("bits").asInt());
        assertEquals("kivi", q.get("kv_storage").get("scheme").asText());
        assertEquals(16, q.get("kv_storage").get("group").asInt());
        // What each cell holds, measured: fewer tokens or fewer bits hold fewer bytes.
        double full16 = summaries.get("full-kv16").get("mean_kv_bytes").asDouble();
        assertTrue(summaries.get("full-kv4").get("mean_kv_bytes").asDouble() < full16 / 2);
        assertTrue(summaries.get("snapkv-b32-kv16").get("mean_kv_bytes").asDouble()
                < summaries.get("snapkv-b64-kv16").get("mean_kv_bytes").asDouble());
        assertTrue(summaries.get("snapkv-b64-kv16").get("mean_kv_bytes").asDouble() < full16);

        Cli again = Cli.run(args);
        assertEquals(0, again.exitCode(), again.err());
        assertFalse(again.err().contains("/12"), "a finished sweep runs nothing: " + again.err());

        Cli c = Cli.run("compare", out.toString());
        assertEquals(0, c.exitCode(), c.err());
        List<String> rows = c.out().lines().toList();
        assertEquals("| method | budget (tokens) | KV bits | mean KV | needle | Avg |", rows.get(0));
        assertEquals(2 + names.size(), rows.size(), c.out());
        List<String> order = List.of("full - 16", "full - 4", "snapkv 32 16", "snapkv 32 4", "snapkv 64 16", "snapkv 64 4");
        for (int i = 0; i < names.size(); i++) {
            JsonNode s = summaries.get(names.get(i));
            String[] cols = rows.get(2 + i).split("\\|");
            assertEquals(order.get(i), cols[1].strip() + " " + cols[2].strip() + " " + cols[3].strip());
            assertTrue(cols[4].strip().endsWith("B"), "KV column with its unit: " + cols[4]);
            assertEquals(String.format(java.util.Locale.ROOT, "%.2f", 100 * s.get("overall_score").asDouble()),
                    cols[5].strip(), names.get(i));
        }
    }

    @Test
    void customNeedleQuestionAndTemplateAreUsedAndScoredAgainstTheNeedle(@TempDir Path tmp) throws IOException {
        Path out = tmp.resolve("out");
        Cli r = Cli.run("needle", "--model", Fixtures.model("qwen2-bias-f32").toString(), "--min-length", "300",
                "--max-length", "300", "--depth-count", "2", "--max-new-tokens", "6", "--out", out.toString(),
                "--needle", "\\nThe secret code of the vault is 4711 and 0815.\\n", "--question", "The secret code of the vault is: ",
                "--template", "Read this. {context}\\nQ: {question}\\nA:");
        assertEquals(0, r.exitCode(), r.err());
        JsonNode summary = JSON.readTree(out.resolve("summary.json").toFile());
        assertEquals("\nThe secret code of the vault is 4711 and 0815.\n", summary.get("needle").asText());
        assertEquals("Read this. {context}\nQ: {question}\nA:", summary.get("template").asText());
        assertEquals(List.of("0815.", "4711", "and"), List.of(JSON.treeToValue(summary.get("answer_words"), String[].class)));
        for (String l : Files.readAllLines(out.resolve("cells.jsonl"))) {
            JsonNode n = JSON.readTree(l);
            String resp = n.get("model_response").asText();
            assertEquals(summary.get("needle").asText(), n.get("needle").asText());
            assertEquals(io.kvasir.bench.needle.NeedleScores.rouge1x10(summary.get("needle").asText(), resp),
                    n.get("score").asDouble(), 1e-12, resp);
            java.util.Set<String> words = new java.util.HashSet<>(java.util.Arrays.asList(
                    resp.toLowerCase(java.util.Locale.ROOT).split("\\s+")));
            words.retainAll(java.util.Set.of("4711", "and", "0815."));
            assertEquals(words.size() / 3.0, n.get("score_heatmap").asDouble(), 1e-12, resp);
        }
        Cli other = Cli.run("needle", "--model", Fixtures.model("qwen2-bias-f32").toString(), "--min-length", "300",
                "--max-length", "360", "--step", "60", "--depth-count", "2", "--max-new-tokens", "6", "--out", out.toString());
        assertEquals(2, other.exitCode(), "the default needle into a folder of another needle's cells");
        assertEquals(1, other.err().lines().count(), other.err());
        assertTrue(other.err().contains("holds a run with another setting 'generation.needle' (was \"\\nThe secret code"),
                other.err());
        Cli bad = Cli.run("needle", "--model", Fixtures.model("qwen2-bias-f32").toString(), "--min-length", "300",
                "--max-length", "300", "--out", tmp.resolve("bad").toString(), "--template", "no placeholders");
        assertEquals(2, bad.exitCode());
        assertEquals(1, bad.err().lines().count(), bad.err());
        assertTrue(bad.err().contains("--template must contain {context} and {question}"), bad.err());
        assertFalse(Files.exists(tmp.resolve("bad")), "nothing written");
    }

    @Test
    void singleRunCommandsRejectLists() {
        Cli r = Cli.run("generate", "--model", Fixtures.model("qwen2-bias-f32").toString(), "--prompt", "Hi",
                "--method", "snapkv,h2o");
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains("--method takes one value here"), r.err());
    }
}
