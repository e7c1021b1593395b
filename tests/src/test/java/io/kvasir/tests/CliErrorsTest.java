package io.kvasir.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input gives one line naming the problem and exit code 2, and no stack trace unless --debug. */
class CliErrorsTest {
    static final String MODEL = "llama-gqa-bf16";

    @TempDir
    Path tmp;

    static void assertOneLine(Cli r, String... mustContain) {
        assertEquals(2, r.exitCode(), "exit code; stderr was: " + r.err());
        String err = r.err().strip();
        assertEquals(1, err.lines().count(), "exactly one line on stderr, got:\n" + r.err());
        assertFalse(err.contains("\tat "), "no stack trace");
        for (String s : mustContain) {
            assertTrue(err.contains(s), "stderr should mention '" + s + "': " + err);
        }
    }

    private Cli generate(Path model, String... extra) {
        String[] base = {"generate", "--model", model.toString(), "--prompt", "hi", "--max-new-tokens", "2"};
        String[] args = new String[base.length + extra.length];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        return Cli.run(args);
    }

    @Test
    void missingModelFolder() {
        assertOneLine(generate(tmp.resolve("nope")), "nope");
    }

    @Test
    void missingConfig() throws IOException {
        Path m = Fixtures.copyModel(MODEL, tmp);
        Files.delete(m.resolve("config.json"));
        assertOneLine(generate(m), "config.json");
    }

    @Test
    void malformedConfig() throws IOException {
        Path m = Fixtures.copyModel(MODEL, tmp);
        Files.writeString(m.resolve("config.json"), "{\"architectures\": [\"LlamaForCausalLM\",");
        assertOneLine(generate(m), "config.json", "malformed JSON");
    }

    @Test
    void unknownArchitecture() throws IOException {
        Path m = Fixtures.copyModel(MODEL, tmp);
        String cfg = Files.readString(m.resolve("config.json")).replace("LlamaForCausalLM", "GPTNeoXForCausalLM");
        Files.writeString(m.resolve("config.json"), cfg);
        assertOneLine(generate(m), "config.json", "GPTNeoXForCausalLM");
    }

    @Test
    void unsupportedRopeScaling() throws IOException {
        Path m = Fixtures.copyModel(MODEL, tmp);
        String cfg = Files.readString(m.resolve("config.json")).replace("\"llama3\"", "\"yarn\"");
        Files.writeString(m.resolve("config.json"), cfg);
        assertOneLine(generate(m), "config.json", "yarn");
    }

    @Test
    void missingTensor() throws IOException {
        Path m = Fixtures.copyModel(MODEL, tmp);
        renameTensor(m.resolve("model.safetensors"), "model.norm.weight", "model.norm.weighX");
        assertOneLine(generate(m), "model.norm.weight");
    }

    @Test
    void wrongShape() throws IOException {
        Path m = Fixtures.copyModel(MODEL, tmp);
        // One more layer in config.json than in the file: either missing tensors or, with a wider
        // intermediate size, a shape mismatch; the latter names the tensor and both shapes.
        String cfg = Files.readString(m.resolve("config.json"));
        var json = Fixtures.json(m.resolve("config.json"));
        int inter = json.get("intermediate_size").asInt();
        Files.writeString(m.resolve("config.json"),
                cfg.replace("\"intermediate_size\": " + inter, "\"intermediate_size\": " + (inter + 8)));
        assertOneLine(generate(m), "mlp.gate_proj.weight", "shape");
    }

    @Test
    void truncatedSafetensors() throws IOException {
        Path m = Fixtures.copyModel(MODEL, tmp);
        Path st = m.resolve("model.safetensors");
        byte[] bytes = Files.readAllBytes(st);
        Files.write(st, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        assertOneLine(generate(m), "model.safetensors");
    }

    @Test
    void missingTokenizer() throws IOException {
        Path m = Fixtures.copyModel(MODEL, tmp);
        Files.delete(m.resolve("tokenizer.json"));
        assertOneLine(generate(m), "tokenizer.json");
    }

    @Test
    void badFlags() {
        Path m = Fixtures.model(MODEL);
        assertOneLine(generate(m, "--temperature", "-1"), "--temperature");
        assertOneLine(generate(m, "--top-p", "0"), "--top-p");
        assertOneLine(generate(m, "--kv-bits", "3"), "--kv-bits");
        assertOneLine(generate(m, "--kv-bits", "2", "--quant-group", "5"), "--quant-group");
        assertOneLine(generate(m, "--kv-bits", "4", "--quant", "zip"), "--quant");
        assertOneLine(generate(m, "--method", "snapkv", "--budget", "16", "--kv-budget", "100B"), "--kv-budget");
        assertOneLine(generate(m, "--kv-budget", "12 parsecs"), "--kv-budget");
        assertOneLine(generate(m, "--method", "windowkv", "--shared-layers", "3", "--quant-group", "8", "--kv-budget", "100B"),
                "--kv-budget", "too small for any configuration");
        assertOneLine(generate(m, "--kv-budget", "100B"), "--kv-budget", "method full prunes nothing");
        // 2-bit codes with a group that does not divide: kivi (16 channels), reference (heads x tokens x channels).
        assertOneLine(generate(m, "--method", "snapkv", "--budget", "16", "--kv-bits", "2", "--quant-group", "5",
                "--kv-budget", "1KiB"), "--quant-group 5");
        assertOneLine(generate(m, "--kv-bits", "2", "--quant", "reference", "--quant-group", "7"), "group 7");
        // hqq packs 2-bit codes four rows at a time: the value rows are the G members of a group.
        assertOneLine(generate(m, "--kv-bits", "2", "--quant", "reference", "--quant-group", "2"), "--quant-group (2)",
                "multiples of 4");
        assertOneLine(generate(m, "--max-new-tokens", "many"), "--max-new-tokens");
        assertOneLine(generate(m, "--frobnicate"), "--frobnicate");
        assertOneLine(Cli.run("generate", "--prompt", "x"), "--model");
        assertOneLine(Cli.run("generate", "--model", m.toString()), "--prompt");
        assertOneLine(Cli.run("generate", "--model", m.toString(), "--prompt-file", tmp.resolve("none.txt").toString()), "none.txt");
        assertOneLine(Cli.run("tokenize", "--model", m.toString(), "--decode", "1,x"), "--decode");
        assertOneLine(Cli.run("tokenize", "--model", m.toString(), "--decode", "99999999"), "--decode");
    }

    @Test
    void badCompressionParameters() {
        Path m = Fixtures.model(MODEL);
        assertOneLine(generate(m, "--method", "snapkv", "--budget", "8", "--window", "8"), "budget", "window");
        assertOneLine(generate(m, "--method", "magic"), "magic", "snapkv");
        assertOneLine(generate(m, "--method", "snapkv", "--kernel", "4"), "kernel");
        assertOneLine(generate(m, "--gqa-mode", "sideways"), "sideways");
        // the fixture has 3 layers: groups of 2 layers do not divide them
        assertOneLine(generate(m, "--method", "windowkv", "--shared-layers", "2", "--task-type", "qa"), "shared-layers");
    }

    @Test
    void debugShowsTheStackTrace() {
        Cli r = generate(tmp.resolve("nope"), "--debug");
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains("\tat "), "stack trace with --debug");
    }

    /** Renames a tensor inside the header, keeping the header length (names of equal length). */
    private static void renameTensor(Path file, String from, String to) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        long n = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        String header = new String(bytes, 8, (int) n, java.nio.charset.StandardCharsets.UTF_8);
        byte[] renamed = header.replace("\"" + from + "\"", "\"" + to + "\"").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(n, renamed.length);
        System.arraycopy(renamed, 0, bytes, 8, renamed.length);
        Files.write(file, bytes);
    }
}
