package io.kvasir.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #14 item 5: every benchmark data file fault stops the run before anything is written, in one line naming
 * FILE:LINE; nothing is scored over partial input; an empty task scores null, never the string "NaN".
 */
class BenchmarkDataErrorsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MODEL = Fixtures.model("qwen2-bias-f32").toString();
    private static final String GOOD_RULER = "{\"index\": 0, \"input\": \"The number is 12. The number is\","
            + " \"outputs\": [\"12\"], \"length\": 9}";
    private static final String GOOD_LONGBENCH = "{\"input\": \"Which fruit?\", \"context\": \"Apples.\", \"answers\":"
            + " [\"apples\"], \"length\": 3, \"all_classes\": null, \"_id\": \"a\"}";

    private static void assertFails(Path out, String expected, String... args) {
        Cli r = Cli.run(args);
        assertEquals(2, r.exitCode(), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().contains(expected), "'" + expected + "' in: " + r.err());
        assertFalse(Files.exists(out), "nothing written: " + out);
    }

    private static Path write(Path file, String... lines) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, String.join("\n", lines) + "\n");
        return file;
    }

    /** A second line whose string holds a lone 0xFF byte. */
    private static Path writeNonUtf8(Path file, String first) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write((first + "\n{\"input\": \"caf").getBytes(StandardCharsets.UTF_8));
        b.write(0xFF);
        b.write("\"}\n".getBytes(StandardCharsets.UTF_8));
        Files.createDirectories(file.getParent());
        Files.write(file, b.toByteArray());
        return file;
    }

    private static String[] ruler(Path data, Path out, String tasks) {
        return new String[] {"ruler", "--model", MODEL, "--data", data.toString(), "--tasks", tasks, "--out", out.toString()};
    }

    @Test
    void rulerRefusesBrokenLinesMissingFieldsAndNonUtf8(@TempDir Path tmp) throws IOException {
        Path data = tmp.resolve("data"), out = tmp.resolve("out");
        Path f = write(data.resolve("vt.jsonl"), GOOD_RULER, "{\"index\": 1, \"input\": \"x\", \"outp");
        assertFails(out, "kvasir ruler: " + f + ":2: not valid JSON", ruler(data, out, "vt"));
        write(f, GOOD_RULER, "{\"index\": 1, \"input\": \"x\"}");
        assertFails(out, f + ":2: no 'outputs' field", ruler(data, out, "vt"));
        write(f, "{\"index\": 0, \"outputs\": [\"1\"]}");
        assertFails(out, f + ":1: no 'input' field", ruler(data, out, "vt"));
        write(f, "{\"index\": 0, \"input\": \"x\", \"outputs\": \"1\"}");
        assertFails(out, f + ":1: 'outputs' is not a list", ruler(data, out, "vt"));
        writeNonUtf8(f, GOOD_RULER);
        assertFails(out, f + ":2: not valid UTF-8", ruler(data, out, "vt"));
        // A broken second task stops the run before the first task's examples run.
        write(data.resolve("cwe.jsonl"), GOOD_RULER);
        assertFails(out, f + ":2: not valid UTF-8", ruler(data, out, "cwe,vt"));
    }

    @Test
    void anEmptyRulerTaskScoresNullWithANote(@TempDir Path tmp) throws IOException {
        Path data = tmp.resolve("data"), out = tmp.resolve("out");
        write(data.resolve("cwe.jsonl"), GOOD_RULER);
        Files.writeString(data.resolve("vt.jsonl"), "");
        Cli r = Cli.run(ruler(data, out, "cwe,vt"));
        assertEquals(0, r.exitCode(), r.err());
        String text = Files.readString(out.resolve("result.json"));
        assertFalse(text.contains("NaN"), text);
        JsonNode result = JSON.readTree(text);
        assertTrue(result.get("vt").isNull(), text);
        assertTrue(result.get("cwe").isNumber(), text);
        assertEquals("vt: no examples in " + data.resolve("vt.jsonl") + ", not scored",
                result.get("_meta").get("notes").get(0).asText());
        assertTrue(r.out().contains("vt                      - (no examples)"), r.out());
        Cli compare = Cli.run("compare", out.toString());
        assertEquals(0, compare.exitCode(), compare.err());
        assertFalse(compare.out().contains("NaN"), compare.out());
    }

    @Test
    void longBenchRefusesExamplesWithoutInputBrokenLinesAndNonUtf8(@TempDir Path tmp) throws IOException {
        Path data = tmp.resolve("data"), out = tmp.resolve("out");
        String[] args = {"longbench", "--model", MODEL, "--data", data.toString(), "--datasets", "trec", "--out",
            out.toString(), "--max-input-tokens", "128"};
        Path f = write(data.resolve("trec.jsonl"), GOOD_LONGBENCH, "{\"context\": \"Pears.\", \"answers\": [\"x\"], \"_id\": \"b\"}");
        assertFails(out, "kvasir longbench: " + f + ":2: no 'input' field", args);
        write(f, "{\"input\": \"q\", \"answers\": [\"x\"]}");
        assertFails(out, f + ":1: no 'context' field", args);
        write(f, "{\"input\": \"q\", \"context\": \"c\"}");
        assertFails(out, f + ":1: no 'answers' field", args);
        write(f, GOOD_LONGBENCH, "not json");
        assertFails(out, f + ":2: not valid JSON", args);
        writeNonUtf8(f, GOOD_LONGBENCH);
        assertFails(out, f + ":2: not valid UTF-8", args);
    }

    @Test
    void longBenchScoreRefusesPredictionsWithoutAnswers(@TempDir Path tmp) throws IOException {
        Path pred = tmp.resolve("pred");
        Path f = write(pred.resolve("hotpotqa.jsonl"), "{\"pred\": \"apples\", \"answers\": [\"apples\"]}",
                "{\"pred\": \"pears\"}");
        Path result = pred.resolve("result.json");
        Cli r = Cli.run("longbench-score", "--pred", pred.toString());
        assertEquals(2, r.exitCode(), r.err());
        assertEquals("kvasir longbench-score: " + f + ":2: no 'answers' field", r.err().strip());
        assertFalse(Files.exists(result));
        write(f, "{\"answers\": [\"apples\"]}");
        assertFails(result, f + ":1: no 'pred' field", "longbench-score", "--pred", pred.toString());
    }

    @Test
    void needleRefusesAHaystackThatIsNotUtf8(@TempDir Path tmp) throws IOException {
        Path hay = tmp.resolve("hay"), out = tmp.resolve("out");
        Files.createDirectories(hay);
        Files.write(hay.resolve("a.txt"), new byte[] {'O', 'n', 'e', '.', '\n', 'T', 'w', (byte) 0xC0, 'o', '\n'});
        assertFails(out, "kvasir needle: " + hay.resolve("a.txt") + ":2: not valid UTF-8", "needle", "--model", MODEL,
                "--haystack", hay.toString(), "--min-length", "300", "--max-length", "300", "--out", out.toString());
    }
}
