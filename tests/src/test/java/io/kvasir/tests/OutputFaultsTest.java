package io.kvasir.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #14 item 6: outputs that cannot be written fail before any work, in one line naming the flag and path;
 * running out of memory ends in one line saying what was being done, the heap size and how to raise it.
 */
class OutputFaultsTest {
    private static final String MODEL = Fixtures.model("qwen2-bias-f32").toString();

    /** Each command with outputs, writing them to (or under) target. */
    private static Map<String, String[]> commands(Path target, Path prompt) {
        String t = target.toString();
        return Map.of(
                "demo", new String[] {"demo", "--model", MODEL, "--methods", "full", "--quantized", "none",
                    "--lengths", "300", "--depths", "50", "--out", t},
                "needle", new String[] {"needle", "--model", MODEL, "--min-length", "300", "--max-length", "300",
                    "--out", t},
                "ruler", new String[] {"ruler", "--model", MODEL, "--data", Fixtures.ROOT.resolve("ruler").toString(),
                    "--tasks", "niah_single_1", "--out", t},
                "longbench", new String[] {"longbench", "--model", MODEL, "--data",
                    Fixtures.ROOT.resolve("longbench/data").toString(), "--datasets", "trec", "--max-input-tokens", "64",
                    "--out", t},
                "kept", new String[] {"kept", "--model", MODEL, "--prompt-file", prompt.toString(), "--out", t},
                "generate", new String[] {"generate", "--model", MODEL, "--prompt", "Hi", "-n", "2", "--kept-map",
                    target.resolve("kept.json").toString()});
    }

    @Test
    void everyCommandChecksItsOutputBeforeWorking(@TempDir Path tmp) throws IOException {
        Path prompt = Files.writeString(tmp.resolve("prompt.txt"), "Some prompt text.");
        Path file = Files.writeString(tmp.resolve("a-file"), "x");
        for (var c : commands(file.resolve("out"), prompt).entrySet()) {
            Cli r = Cli.run(c.getValue());
            assertEquals(2, r.exitCode(), c.getKey() + ": " + r.err());
            assertEquals(1, r.err().lines().count(), "one line, no banner or progress before it: " + r.err());
            String flag = c.getKey().equals("generate") ? "--kept-map " : "--out ";
            assertTrue(r.err().startsWith("kvasir " + c.getKey() + ": " + flag + file.resolve("out")), r.err());
            assertTrue(r.err().contains(c.getKey().equals("generate") ? ": no folder " : ": not writable ("), r.err());
            assertEquals("x", Files.readString(file));
        }
        Cli notAFolder = Cli.run(commands(file, prompt).get("demo"));
        assertEquals(2, notAFolder.exitCode());
        assertEquals("kvasir demo: --out " + file + ": not a folder", notAFolder.err().strip());
    }

    @Test
    void aReadOnlyOutFolderFailsFirstAndLeavesNothing(@TempDir Path tmp) throws IOException {
        Path prompt = Files.writeString(tmp.resolve("prompt.txt"), "Some prompt text.");
        Path ro = Files.createDirectories(tmp.resolve("ro"));
        Files.setPosixFilePermissions(ro, PosixFilePermissions.fromString("r-xr-xr-x"));
        try {
            assumeTrue(!Files.isWritable(ro), "permissions do not bind this user (root)");
            for (var c : commands(ro.resolve("out"), prompt).entrySet()) {
                Cli r = Cli.run(c.getValue());
                assertEquals(2, r.exitCode(), c.getKey() + ": " + r.err());
                assertEquals(1, r.err().lines().count(), r.err());
                assertTrue(r.err().contains("permission denied"), r.err());
            }
        } finally {
            Files.setPosixFilePermissions(ro, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        assertEquals(List.of(), Files.list(ro).toList());
    }

    @Test
    void theWritabilityProbeLeavesNoFolderBehindOnBadInput(@TempDir Path tmp) {
        Path out = tmp.resolve("new/deeper");
        Cli r = Cli.run("needle", "--model", MODEL, "--min-length", "300", "--max-length", "300", "--out", out.toString(),
                "--method", "nosuch");
        assertEquals(2, r.exitCode(), r.err());
        assertFalse(Files.exists(tmp.resolve("new")), "probe folders removed");
    }

    /** A JVM with a 64 MiB heap asked for a 3-million-entry KV cache: one line, exit 1, no stack trace. */
    @Test
    void outOfMemoryIsOneLineWithTheHeapAndHowToRaiseIt() throws Exception {
        Process p = Cli.start(List.of("-Xmx64m"), "bench", "--model", MODEL, "--synthetic-context", "3000000",
                "--max-new-tokens", "2", "--reps", "1");
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(1, p.waitFor(), err);
        List<String> lines = err.lines().filter(l -> !l.startsWith("WARNING: Using incubator modules")).toList();
        assertTrue(lines.getLast().matches("kvasir bench: out of memory while benchmarking a 3000000-token synthetic"
                + " context \\(max heap \\d+\\.\\d\\d MiB\\); raise it with KVASIR_JAVA_OPTS=-Xmx2g"), err);
        assertFalse(err.contains("\tat ") || err.contains("Exception"), "no stack trace: " + err);
        assertTrue(lines.size() <= 2, "at most a note before it: " + err);
    }
}
