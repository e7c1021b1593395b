package io.kvasir.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #14 item 8: one spelling per setting across commands. --max-new-tokens everywhere (bench's --new-tokens kept
 * as its alias, ruler and longbench gain it), --depths a list of percents (needle's count is --depth-count), and
 * --prompt-file - reads standard input.
 */
class FlagConventionsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MODEL = Fixtures.model("qwen2-bias-f32").toString();

    @Test
    void benchTakesMaxNewTokensAndKeepsNewTokensAsAnAlias() throws IOException {
        for (String flag : List.of("--max-new-tokens", "--new-tokens")) {
            Cli r = Cli.run("bench", "--model", MODEL, "--prompt-tokens", "8", flag, "3", "--reps", "1", "--json");
            assertEquals(0, r.exitCode(), r.err());
            assertEquals(3, JSON.readTree(r.out()).get("new_tokens").asInt(), flag);
        }
        Cli both = Cli.run("bench", "--model", MODEL, "--max-new-tokens", "3", "--new-tokens", "4");
        assertEquals(2, both.exitCode());
        assertEquals(1, both.err().lines().count(), both.err());
    }

    @Test
    void needleDepthsArePercentsAndDepthCountIsTheReferenceLinspace(@TempDir Path tmp) throws IOException {
        String[] base = {"needle", "--model", MODEL, "--min-length", "300", "--max-length", "300", "--max-new-tokens", "2"};
        Cli percents = Cli.run(concat(base, "--depths", "0,25,60", "--out", tmp.resolve("p").toString()));
        assertEquals(0, percents.exitCode(), percents.err());
        assertEquals("[0,25,60]", JSON.readTree(tmp.resolve("p/summary.json").toFile()).get("depth_percents").toString());
        Cli count = Cli.run(concat(base, "--depth-count", "3", "--out", tmp.resolve("c").toString()));
        assertEquals(0, count.exitCode(), count.err());
        assertEquals("[0,50,100]", JSON.readTree(tmp.resolve("c/summary.json").toFile()).get("depth_percents").toString());

        for (String[] bad : new String[][] {{"--depths", "50", "--depth-count", "3"}, {"--depths", "120"},
            {"--depths", "50,50"}, {"--depth-count", "0"}}) {
            Path out = tmp.resolve("bad");
            Cli r = Cli.run(concat(concat(base, bad), "--out", out.toString()));
            assertEquals(2, r.exitCode(), String.join(" ", bad) + ": " + r.err());
            assertEquals(1, r.err().lines().count(), r.err());
            assertTrue(r.err().contains(bad[0]) || r.err().contains(bad[bad.length - 2]), r.err());
            assertTrue(!Files.exists(out), "nothing written");
        }
    }

    @Test
    void promptFileDashReadsStandardInput() throws IOException {
        String text = "The river town was founded by settlers.";
        Cli direct = Cli.run("generate", "--model", MODEL, "--prompt", text, "-n", "4", "--json");
        assertEquals(0, direct.exitCode(), direct.err());
        Cli piped = withStdin(text.getBytes(StandardCharsets.UTF_8),
                () -> Cli.run("generate", "--model", MODEL, "--prompt-file", "-", "-n", "4", "--json"));
        assertEquals(0, piped.exitCode(), piped.err());
        JsonNode a = JSON.readTree(direct.out()), b = JSON.readTree(piped.out());
        assertEquals(a.get("prompt_ids"), b.get("prompt_ids"));
        assertEquals(a.get("output_ids"), b.get("output_ids"));
        assertEquals(4, a.get("output_ids").size());
        assertTrue(a.get("prompt_ids").size() > 4, "the prompt was read whole: " + a.get("prompt_ids"));

        Cli bad = withStdin(new byte[] {'o', 'k', '\n', 'x', (byte) 0xFF},
                () -> Cli.run("generate", "--model", MODEL, "--prompt-file", "-", "-n", "1"));
        assertEquals(2, bad.exitCode());
        assertEquals("kvasir generate: --prompt-file - (standard input):2: not valid UTF-8", bad.err().strip());
    }

    @Test
    void rulerAndLongBenchTakeMaxNewTokens(@TempDir Path tmp) throws IOException {
        String[] ruler = {"ruler", "--model", MODEL, "--data", Fixtures.ROOT.resolve("ruler").toString(), "--tasks",
            "niah_single_1"};
        assertEquals(0, Cli.run(concat(ruler, "--out", tmp.resolve("r64").toString())).exitCode());
        Cli r2 = Cli.run(concat(ruler, "--max-new-tokens", "2", "--out", tmp.resolve("r2").toString()));
        assertEquals(0, r2.exitCode(), r2.err());
        assertEquals(64, JSON.readTree(tmp.resolve("r64/result.json").toFile()).get("_meta").get("max_new_tokens").asInt());
        assertEquals(2, JSON.readTree(tmp.resolve("r2/result.json").toFile()).get("_meta").get("max_new_tokens").asInt());
        assertShorterPrefixes(tmp.resolve("r64/niah_single_1.jsonl"), tmp.resolve("r2/niah_single_1.jsonl"));

        String[] lb = {"longbench", "--model", MODEL, "--data", Fixtures.ROOT.resolve("longbench/data").toString(),
            "--datasets", "trec", "--max-input-tokens", "128"};
        assertEquals(0, Cli.run(concat(lb, "--out", tmp.resolve("l").toString())).exitCode());
        Cli l3 = Cli.run(concat(lb, "--max-new-tokens", "3", "--out", tmp.resolve("l3").toString()));
        assertEquals(0, l3.exitCode(), l3.err());
        assertTrue(JSON.readTree(tmp.resolve("l/run.json").toFile()).get("max_new_tokens").isNull(), "per dataset");
        assertEquals(3, JSON.readTree(tmp.resolve("l3/run.json").toFile()).get("max_new_tokens").asInt());
        assertShorterPrefixes(tmp.resolve("l/trec.jsonl"), tmp.resolve("l3/trec.jsonl"));
    }

    /** Greedy answers cut at fewer tokens are prefixes of the longer ones, and at least one is really shorter. */
    private static void assertShorterPrefixes(Path longer, Path shorter) throws IOException {
        List<String> a = Files.readAllLines(longer), b = Files.readAllLines(shorter);
        assertEquals(a.size(), b.size());
        boolean cut = false;
        for (int i = 0; i < a.size(); i++) {
            String full = JSON.readTree(a.get(i)).get("pred").asText(), part = JSON.readTree(b.get(i)).get("pred").asText();
            assertTrue(full.startsWith(part), "'" + part + "' begins '" + full + "'");
            cut |= part.length() < full.length();
        }
        assertTrue(cut, "the limit shortened an answer");
    }

    private static Cli withStdin(byte[] bytes, java.util.function.Supplier<Cli> run) {
        InputStream saved = System.in;
        System.setIn(new ByteArrayInputStream(bytes));
        try {
            return run.get();
        } finally {
            System.setIn(saved);
        }
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
