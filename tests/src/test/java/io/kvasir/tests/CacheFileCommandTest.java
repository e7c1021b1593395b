package io.kvasir.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #19 on the command line with the bundled demo model (it retrieves the facts of its context):
 * `prefill --save` then `generate --load` answers as `generate --context-file --compress context`;
 * a questions file answers every question from one prefill exactly as separate runs do; a damaged or
 * foreign file and impossible flag combinations end in one line and exit 2.
 */
class CacheFileCommandTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String MODEL = Fixtures.DEMO_MODEL.toString();
    static final String CONTEXT = "Some special magic numbers are hidden within the following text. Make sure to memorize them."
            + " I will quiz you about the numbers afterwards.\\nThe dog travelled for a long time. The special magic number for"
            + " falcon is 487926. Clara passed the quiet harbor gladly. The special magic number for otter is 153207. Jonas"
            + " wanted to find the old lamp. The special magic number for walnut is 902154. The tower shouted.";
    static final List<String> QUESTIONS = List.of("falcon", "otter", "walnut");

    @TempDir
    Path tmp;

    static String question(String key) {
        return "\nWhat is the special magic number for " + key + " mentioned in the provided text? The special magic number for "
                + key + " is";
    }

    private Path context() throws IOException {
        return Files.writeString(tmp.resolve("doc.txt"), CONTEXT.replace("\\n", "\n"));
    }

    @Test
    void loadedCacheAnswersAsTheContextFileRun() throws IOException {
        Path doc = context();
        Path kvc = tmp.resolve("doc.kvc");
        String[] method = {"--method", "snapkv", "--budget", "48", "--window", "8", "--kv-bits", "4", "--quant-group", "32",
            "--quant-residual", "4"};
        Cli saved = Cli.run(concat(new String[] {"prefill", "--model", MODEL, "--context-file", doc.toString(), "--save",
            kvc.toString()}, method));
        assertEquals(0, saved.exitCode(), saved.err());
        assertTrue(Files.size(kvc) > 0);
        Cli loaded = Cli.run("generate", "--model", MODEL, "--load", kvc.toString(), "--prompt", question("otter"), "-n", "4", "--json");
        assertEquals(0, loaded.exitCode(), loaded.err());
        Cli direct = Cli.run(concat(new String[] {"generate", "--model", MODEL, "--context-file", doc.toString(), "--prompt",
            question("otter"), "-n", "4", "--json", "--compress", "context"}, method));
        assertEquals(0, direct.exitCode(), direct.err());
        JsonNode a = JSON.readTree(direct.out()), b = JSON.readTree(loaded.out());
        SameSteps.assertSameSteps(a, b);
        assertEquals("snapkv", b.get("kv").get("method").asText());
    }

    @Test
    void questionsFileAnswersAsSeparateRuns() throws IOException {
        Path doc = context();
        StringBuilder jsonl = new StringBuilder();
        for (String k : QUESTIONS) {
            jsonl.append(JSON.writeValueAsString(java.util.Map.of("question", question(k)))).append('\n');
        }
        Path q = Files.writeString(tmp.resolve("q.jsonl"), jsonl);
        // Once to compile the loops: an interpreted first run rounds differently (SameSteps), about 1e-5.
        Cli.run("generate", "--model", MODEL, "--context-file", doc.toString(), "--questions-file", q.toString(), "-n", "4");
        Cli many = Cli.run("generate", "--model", MODEL, "--context-file", doc.toString(), "--questions-file", q.toString(), "-n", "4");
        assertEquals(0, many.exitCode(), many.err());
        assertTrue(many.err().contains("3 questions from one"), many.err());
        String[] lines = many.out().strip().split("\n");
        assertEquals(QUESTIONS.size(), lines.length, many.out());
        for (int i = 0; i < QUESTIONS.size(); i++) {
            Cli one = Cli.run("generate", "--model", MODEL, "--context-file", doc.toString(), "--prompt", question(QUESTIONS.get(i)),
                    "-n", "4", "--json");
            assertEquals(0, one.exitCode(), one.err());
            JsonNode line = JSON.readTree(lines[i]);
            assertEquals(i, line.get("index").asInt());
            SameSteps.assertSameSteps(JSON.readTree(one.out()), line);
        }
    }

    @Test
    void damagedForeignOrMisusedFilesEndInOneLine() throws IOException {
        Path doc = context();
        Path kvc = tmp.resolve("doc.kvc");
        assertEquals(0, Cli.run("prefill", "--model", MODEL, "--context-file", doc.toString(), "--save", kvc.toString()).exitCode());
        byte[] bytes = Files.readAllBytes(kvc);
        Path cut = Files.write(tmp.resolve("cut.kvc"), java.util.Arrays.copyOf(bytes, bytes.length - 3));
        oneLine(Cli.run("generate", "--model", MODEL, "--load", cut.toString(), "--prompt", "x"), cut + ": ");
        // another model: the fixture llama has another fingerprint and shape
        oneLine(Cli.run("generate", "--model", Fixtures.model("llama-gqa-bf16").toString(), "--load", kvc.toString(), "--prompt", "x"),
                "made with another model");
        oneLine(Cli.run("generate", "--model", MODEL, "--load", kvc.toString(), "--prompt", "x", "--compress", "context+question"),
                "--compress context+question needs --context-file");
        oneLine(Cli.run("generate", "--model", MODEL, "--prompt", "x", "--questions-file", doc.toString()), "--");
        Path folder = Files.createDirectory(tmp.resolve("out"));
        oneLine(Cli.run("prefill", "--model", MODEL, "--context-file", doc.toString(), "--save", folder.toString()), "--save");
    }

    private static void oneLine(Cli r, String says) {
        assertEquals(2, r.exitCode(), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains(says), r.err());
    }

    private static String[] concat(String[] a, String[] b) {
        String[] c = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}
