package io.kvasir.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #14 item 1: a benchmark run into an --out folder resumes only a run of the same settings; anything else is
 * refused in one line naming the setting, with nothing changed, and --overwrite starts over. Kill-and-resume gives
 * the cells of an uninterrupted run.
 */
class ResultFolderTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MODEL = Fixtures.model("qwen2-bias-f32").toString();
    private static final String RULER = Fixtures.ROOT.resolve("ruler").toString();
    private static final String LONGBENCH = Fixtures.ROOT.resolve("longbench/data").toString();

    private static String[] needle(Path out, String... more) {
        List<String> a = new ArrayList<>(List.of("needle", "--model", MODEL, "--min-length", "300", "--max-length", "420",
                "--step", "60", "--depth-count", "2", "--max-new-tokens", "3", "--out", out.toString()));
        a.addAll(List.of(more));
        return a.toArray(String[]::new);
    }

    /** args with the value of one of needle()'s flags changed. */
    private static String[] with(String[] args, String flag, String value) {
        String[] a = args.clone();
        a[List.of(a).indexOf(flag) + 1] = value;
        return a;
    }

    /** Exit 2, one stderr line holding every part, and not a byte changed under dir. */
    private static void assertRefused(String[] args, Path dir, String... parts) {
        Map<String, String> before = Folders.snapshot(dir);
        Cli r = Cli.run(args);
        assertEquals(2, r.exitCode(), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        for (String p : parts) assertTrue(r.err().contains(p), "'" + p + "' in: " + r.err());
        assertEquals(before, Folders.snapshot(dir), "nothing written or removed");
    }

    @Test
    void needleIntoAFolderOfAnotherMethodIsRefusedAndOverwriteStartsOver(@TempDir Path tmp) throws IOException {
        Path out = tmp.resolve("reuse");
        Cli first = Cli.run(needle(out, "--method", "snapkv", "--budget", "32", "--window", "8"));
        assertEquals(0, first.exitCode(), first.err());
        assertTrue(Files.isRegularFile(out.resolve("kvasir-run.json")));

        assertRefused(needle(out, "--method", "h2o", "--budget", "64", "--window", "8"), out,
                "kvasir needle: --out " + out + " holds a run with another setting 'method' (was \"snapkv\", now \"h2o\"",
                "choose a new --out", "--overwrite");
        assertRefused(needle(out, "--method", "snapkv", "--budget", "64", "--window", "8"), out,
                "setting 'compression.budget' (was 32, now 64");
        assertRefused(needle(out, "--method", "snapkv", "--budget", "32", "--window", "8", "--kv-bits", "8",
                "--quant-group", "16"), out, "setting 'kv_storage.bits' (was 32, now 8");
        assertRefused(with(needle(out, "--method", "snapkv", "--budget", "32", "--window", "8"), "--max-new-tokens", "4"), out, "setting 'generation.max_new_tokens' (was 3, now 4");
        assertRefused(new String[] {"needle", "--model", Fixtures.model("llama-gqa-bf16").toString(), "--min-length",
            "300", "--max-length", "420", "--step", "60", "--depth-count", "2", "--max-new-tokens", "3", "--out",
            out.toString(), "--method", "snapkv", "--budget", "32", "--window", "8"}, out, "setting 'model_fingerprint'");

        Files.writeString(out.resolve("notes.txt"), "mine");
        Cli over = Cli.run(needle(out, "--method", "h2o", "--budget", "64", "--window", "8", "--overwrite"));
        assertEquals(0, over.exitCode(), over.err());
        assertTrue(over.err().contains("] 6/6 100%"), "every cell recomputed: " + over.err());
        JsonNode summary = JSON.readTree(out.resolve("summary.json").toFile());
        assertEquals("h2o", summary.get("method").asText());
        assertEquals(64, summary.get("compression").get("budget").asInt());
        for (String l : Files.readAllLines(out.resolve("cells.jsonl"))) assertTrue(l.contains("\"model_response\""));
        assertEquals(6, Files.readAllLines(out.resolve("cells.jsonl")).size(), "old cells gone, not appended to");
        assertEquals("mine", Files.readString(out.resolve("notes.txt")), "--overwrite removes only kvasir's files");
    }

    @Test
    void rulerAndLongBenchRefuseAnotherModelOrStorage(@TempDir Path tmp) {
        Path ruler = tmp.resolve("ruler");
        String[] first = {"ruler", "--model", MODEL, "--data", RULER, "--tasks", "niah_single_1", "--out", ruler.toString()};
        assertEquals(0, Cli.run(first).exitCode());
        assertRefused(new String[] {"ruler", "--model", MODEL, "--data", RULER, "--tasks", "niah_single_1", "--out",
            ruler.toString(), "--kv-bits", "4", "--quant-group", "16", "--quant-residual", "16"}, ruler,
                "kvasir ruler: --out " + ruler + " holds a run with another setting 'kv_storage.bits' (was 32, now 4");
        assertRefused(new String[] {"ruler", "--model", Fixtures.model("mistral-mha-f16").toString(), "--data", RULER,
            "--tasks", "niah_single_1", "--out", ruler.toString()}, ruler, "setting 'model_fingerprint'", "set by --model");

        Path lb = tmp.resolve("longbench");
        String[] lbFirst = {"longbench", "--model", MODEL, "--data", LONGBENCH, "--datasets", "trec", "--out",
            lb.toString(), "--max-input-tokens", "128"};
        assertEquals(0, Cli.run(lbFirst).exitCode());
        assertRefused(new String[] {"longbench", "--model", Fixtures.model("mistral-mha-f16").toString(), "--data",
            LONGBENCH, "--datasets", "trec", "--out", lb.toString(), "--max-input-tokens", "128", "--method", "snapkv",
            "--budget", "32", "--window", "8"}, lb, "kvasir longbench: --out " + lb + " holds a run with another setting"
                + " 'model_fingerprint'");
        assertRefused(new String[] {"longbench", "--model", MODEL, "--data", LONGBENCH, "--datasets", "trec", "--out",
            lb.toString(), "--max-input-tokens", "128", "--method", "snapkv", "--budget", "32", "--window", "8"}, lb,
                "setting 'method' (was \"full\", now \"snapkv\"");
        assertRefused(new String[] {"longbench", "--model", MODEL, "--data", LONGBENCH, "--datasets", "trec", "--out",
            lb.toString(), "--max-input-tokens", "128", "--profile", "official"}, lb,
                "setting 'generation.profile' (was \"paper\", now \"official\"");
    }

    @Test
    void aChangedDataFileIsRefusedButAnAddedTaskResumes(@TempDir Path tmp) throws IOException {
        Path data = tmp.resolve("data");
        Files.createDirectories(data);
        Files.copy(Path.of(RULER, "niah_single_1.jsonl"), data.resolve("niah_single_1.jsonl"));
        Path out = tmp.resolve("out");
        assertEquals(0, Cli.run("ruler", "--model", MODEL, "--data", data.toString(), "--tasks", "niah_single_1",
                "--out", out.toString()).exitCode());
        Files.copy(Path.of(RULER, "niah_single_1.jsonl"), data.resolve("vt.jsonl")); // 528 bytes, like niah_single_1
        Cli more = Cli.run("ruler", "--model", MODEL, "--data", data.toString(), "--tasks", "niah_single_1,vt",
                "--out", out.toString());
        assertEquals(0, more.exitCode(), more.err());
        assertTrue(more.err().contains("vt 2/2") && !more.err().contains("niah_single_1 1/2"), "only vt runs: " + more.err());

        Files.writeString(data.resolve("niah_single_1.jsonl"), Files.readAllLines(data.resolve("niah_single_1.jsonl"))
                .getFirst() + "\n");
        assertRefused(new String[] {"ruler", "--model", MODEL, "--data", data.toString(), "--tasks", "niah_single_1",
            "--out", out.toString()}, out, "holds a run with another data file niah_single_1.jsonl (its bytes was 528, now ");
        // The same task from another folder (say RULER/8192 after RULER/4096) must have the same contents too.
        Path other = Files.createDirectories(tmp.resolve("other"));
        Files.writeString(other.resolve("vt.jsonl"), Files.readAllLines(data.resolve("vt.jsonl")).getFirst() + "\n");
        assertRefused(new String[] {"ruler", "--model", MODEL, "--data", other.toString(), "--tasks", "vt",
            "--out", out.toString()}, out, "holds a run with another data file vt.jsonl (its bytes was 528, now ");
        Files.copy(data.resolve("vt.jsonl"), other.resolve("vt.jsonl"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Cli moved = Cli.run("ruler", "--model", MODEL, "--data", other.toString(), "--tasks", "vt", "--out", out.toString());
        assertEquals(0, moved.exitCode(), "identical data from another folder resumes: " + moved.err());
    }

    @Test
    void needleRefusesAnotherHaystack(@TempDir Path tmp) throws IOException {
        Path a = Files.createDirectories(tmp.resolve("a")), b = Files.createDirectories(tmp.resolve("b"));
        Files.writeString(a.resolve("essay.txt"), "Apples grow on trees in the valley. ".repeat(40));
        Files.writeString(b.resolve("other.txt"), "Rivers run down to the sea at night. ".repeat(40));
        Path out = tmp.resolve("out");
        assertEquals(0, Cli.run(needle(out, "--haystack", a.toString())).exitCode());
        assertRefused(needle(out, "--haystack", b.toString()), out,
                "setting 'generation.haystack_files' (was [\"essay.txt\"], now [\"other.txt\"]");
        assertRefused(needle(out), out, "setting 'generation.built_in_haystack' (was false, now true");
        Files.writeString(a.resolve("essay.txt"), "Lemons grow on trees in the valley. ".repeat(40));
        assertRefused(needle(out, "--haystack", a.toString()), out, "another data file essay.txt (its sha256 was ");
    }

    @Test
    void resultsWithoutAFingerprintAreNotResumed(@TempDir Path tmp) throws IOException {
        Path out = tmp.resolve("old");
        Files.createDirectories(out);
        Files.writeString(out.resolve("cells.jsonl"), "{\"context_length\": 300, \"depth_percent\": 0.0}\n");
        assertRefused(needle(out), out, "--out " + out + " holds results without a kvasir-run.json", "--overwrite");
        Cli over = Cli.run(needle(out, "--overwrite"));
        assertEquals(0, over.exitCode(), over.err());
        assertEquals(6, Files.readAllLines(out.resolve("cells.jsonl")).size());
    }

    @Test
    void aSweepChecksEveryCombinationBeforeTheFirstCellRuns(@TempDir Path tmp) {
        Path sweep = tmp.resolve("sweep");
        // The second combination's folder already holds a run with another observation window.
        Cli single = Cli.run(needle(sweep.resolve("snapkv-b32-kv32"), "--method", "snapkv", "--budget", "32",
                "--window", "4"));
        assertEquals(0, single.exitCode(), single.err());
        assertRefused(needle(sweep, "--methods", "full,snapkv", "--budget", "32", "--window", "8"), sweep,
                "--out " + sweep.resolve("snapkv-b32-kv32") + " holds a run with another setting 'compression.window'"
                        + " (was 4, now 8");
        assertFalse(Files.exists(sweep.resolve("full-kv32")), "the first combination did not start");

        Path one = tmp.resolve("one");
        assertEquals(0, Cli.run(needle(one)).exitCode());
        assertRefused(needle(one, "--methods", "full,snapkv", "--budget", "32", "--window", "8"), one,
                "--out " + one + " holds a single run, not a sweep");
    }

    @Test
    void aKilledRunResumedGivesTheCellsOfAnUninterruptedOne(@TempDir Path tmp) throws IOException {
        String[] method = {"--method", "snapkv", "--budget", "32", "--window", "8", "--kv-bits", "4", "--quant-group",
            "16", "--quant-residual", "16"};
        Path whole = tmp.resolve("whole"), killed = tmp.resolve("killed");
        assertEquals(0, Cli.run(needle(whole, method)).exitCode());
        assertEquals(0, Cli.run(needle(killed, method)).exitCode());
        // A kill after three cells, during the fourth's write.
        List<String> lines = Files.readAllLines(killed.resolve("cells.jsonl"));
        Files.writeString(killed.resolve("cells.jsonl"), String.join("\n", lines.subList(0, 3)) + "\n"
                + lines.get(3).substring(0, lines.get(3).length() / 2));
        Files.delete(killed.resolve("summary.json"));
        Files.delete(killed.resolve("heatmap.png"));
        Cli resumed = Cli.run(needle(killed, method));
        assertEquals(0, resumed.exitCode(), resumed.err());
        assertTrue(resumed.err().contains("] 3/3 100%"), "three cells left: " + resumed.err());

        Map<String, JsonNode> a = cells(whole), b = cells(killed);
        assertEquals(a.keySet(), b.keySet());
        for (String key : a.keySet()) {
            for (String field : List.of("model_response", "score", "score_heatmap", "prompt_tokens", "kv_bytes")) {
                assertEquals(a.get(key).get(field), b.get(key).get(field), key + " " + field);
            }
        }
        JsonNode sa = JSON.readTree(whole.resolve("summary.json").toFile());
        JsonNode sb = JSON.readTree(killed.resolve("summary.json").toFile());
        assertEquals(sa.get("overall_score"), sb.get("overall_score"));
        assertEquals(sa.get("scores_by_depth"), sb.get("scores_by_depth"));
        assertEquals(sa.get("mean_kv_bytes"), sb.get("mean_kv_bytes"));

        Map<String, String> before = Folders.snapshot(killed.resolve("cells.jsonl").getParent());
        Cli again = Cli.run(needle(killed, method));
        assertEquals(0, again.exitCode(), again.err());
        assertEquals(before.get("cells.jsonl"), Folders.snapshot(killed).get("cells.jsonl"), "a finished run runs nothing");
    }

    /** A real SIGKILL of a separate JVM after its third cell, then a resume in this one. */
    @Test
    void aRunKilledMidwayResumesToTheCellsOfAnUninterruptedOne(@TempDir Path tmp) throws Exception {
        Path whole = tmp.resolve("whole"), killed = tmp.resolve("killed");
        // 21 lengths x 2 depths
        String[] args = with(with(needle(killed, "--method", "h2o", "--budget", "48", "--window", "8"), "--max-length",
                "700"), "--step", "20");
        Process p = Cli.start(List.of(), args);
        Path cellsFile = killed.resolve("cells.jsonl");
        while (p.isAlive() && (!Files.exists(cellsFile) || Files.readAllLines(cellsFile).size() < 3)) Thread.sleep(2);
        p.destroyForcibly().waitFor();
        int before = Files.readAllLines(cellsFile).size();
        org.junit.jupiter.api.Assumptions.assumeTrue(before < 42, "the run ended before the kill");
        assertFalse(Files.exists(killed.resolve("summary.json")), "killed before the end");

        Cli resumed = Cli.run(args);
        assertEquals(0, resumed.exitCode(), resumed.err());
        assertEquals(0, Cli.run(with(args, "--out", whole.toString())).exitCode());
        Map<String, JsonNode> a = cells(whole), b = cells(killed);
        assertEquals(42, a.size());
        assertEquals(a.keySet(), b.keySet());
        for (String key : a.keySet()) {
            for (String field : List.of("model_response", "score", "score_heatmap", "prompt_tokens", "kv_bytes")) {
                assertEquals(a.get(key).get(field), b.get(key).get(field), key + " " + field);
            }
        }
        assertEquals(JSON.readTree(whole.resolve("summary.json").toFile()).get("scores_by_depth"),
                JSON.readTree(killed.resolve("summary.json").toFile()).get("scores_by_depth"));
    }

    private static Map<String, JsonNode> cells(Path dir) throws IOException {
        Map<String, JsonNode> m = new HashMap<>();
        try (Stream<String> s = Files.lines(dir.resolve("cells.jsonl"))) {
            for (String l : s.toList()) {
                JsonNode n = JSON.readTree(l);
                m.put(n.get("context_length") + "/" + n.get("depth_percent"), n);
            }
        }
        return m;
    }
}
