package io.kvasir.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kvasir.bench.demo.RetrievalPrompts;
import io.kvasir.bench.demo.RetrievalTask;
import io.kvasir.model.Model;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `kvasir demo` mechanics on a fixture model: prompt construction, files, table, bad flags. */
class DemoCommandTest {
    private static final Pattern FACT = Pattern.compile("The special magic number for (\\w+) is (\\d+)\\.");

    @Test
    void promptsHaveTheirLengthDepthAndDistractors() {
        Path dir = Fixtures.model("qwen2-bias-f32");
        try (Model m = Model.load(dir)) {
            RetrievalTask task = RetrievalTask.forModel(dir);
            RetrievalPrompts prompts = new RetrievalPrompts(task, m.tokenizer(), m.chatTemplate());
            for (int length : new int[] {500, 900}) {
                for (int depth : new int[] {0, 50, 100}) {
                    RetrievalPrompts.Prompt p = prompts.make(length, depth, 7);
                    assertTrue(p.ids().length <= length && p.ids().length >= length - 60,
                            "prompt of " + p.ids().length + " tokens for a " + length + "-token cell");
                    String text = m.tokenizer().decode(p.ids(), false);
                    String context = text.substring(text.indexOf(task.instruction()) + task.instruction().length(),
                            text.lastIndexOf(task.question().replace("{key}", p.key())));
                    Matcher f = FACT.matcher(context);
                    int facts = 0;
                    String asked = null;
                    while (f.find()) {
                        facts++;
                        if (f.group(1).equals(p.key())) {
                            assertEquals(p.value(), f.group(2));
                            asked = f.group();
                        }
                    }
                    assertEquals(task.distractors() + 1, facts, "asked fact plus distractors, each once");
                    // depth counts filler only: where the asked fact sits once the distractors are taken out
                    String filler = FACT.matcher(context.replace(asked, "@")).replaceAll("").strip();
                    double at = (double) filler.indexOf('@') / (filler.length() - 1);
                    assertTrue(Math.abs(at - depth / 100.0) < 0.15, "asked fact at " + at + " of the context for depth " + depth);
                    assertArrayEquals(p.ids(), prompts.make(length, depth, 7).ids(), "same seed, same prompt");
                    assertFalse(p.value().equals(prompts.make(length, depth, 8).value()) && p.key().equals(prompts.make(length, depth, 8).key()));
                }
            }
        }
    }

    @Test
    void sweepWritesTableJsonAndHeatmap(@TempDir Path tmp) throws IOException {
        Path out = tmp.resolve("demo");
        Cli r = Cli.run("demo", "--model", Fixtures.model("qwen2-bias-f32").toString(), "--methods", "full,snapkv",
                "--quantized", "snapkv:4", "--budget", "64", "--window", "8", "--lengths", "500", "--depths", "0,100",
                "--out", out.toString());
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("| full ") && r.out().contains("| snapkv @64 ") && r.out().contains("| snapkv 4-bit @256 "), r.out());
        // a random-weight fixture retrieves nothing: the demo says the table cannot rank the methods
        assertTrue(r.err().contains("does not retrieve at these lengths"), r.err());
        JsonNode demo = new ObjectMapper().readTree(out.resolve("demo.json").toFile());
        assertEquals(3, demo.get("methods").size());
        JsonNode full = demo.get("methods").get(0), snap = demo.get("methods").get(1);
        for (JsonNode m : demo.get("methods")) {
            assertEquals(2, m.get("asked").asInt());
            assertEquals(2, m.get("accuracy_by_depth_then_length").size());
        }
        assertTrue(snap.get("mean_kv_bytes").asDouble() < full.get("mean_kv_bytes").asDouble() / 2, "64 of ~500 tokens kept");
        assertEquals(full.get("mean_kv_bytes").asDouble(), full.get("mean_full_kv_bytes_16bit").asDouble(), 1e-9);
        assertEquals(16.0, snap.get("mean_kv_effective_bits").asDouble(), 0.0);
        double coded = demo.get("methods").get(2).get("mean_kv_effective_bits").asDouble();
        assertTrue(coded > 4 && coded < 16, "4-bit codes with fp16 scales, zeros and residual: " + coded);
        assertTrue(demo.has("model_config_sha256"));
        BufferedImage png = ImageIO.read(out.resolve("heatmap.png").toFile());
        assertTrue(png.getWidth() > 300 && png.getHeight() > 100);
    }

    @Test
    void badFlagsFailWithOneLine(@TempDir Path tmp) {
        String model = Fixtures.model("qwen2-bias-f32").toString();
        for (String[] bad : new String[][] {{"--quantized", "snapkv:3"}, {"--quantized", "snapkv"}, {"--depths", "120"},
            {"--methods", "nosuch"}, {"--lengths", "40"}}) {
            String[] args = new String[] {"demo", "--model", model, "--out", tmp.toString(), "--methods", "full",
                "--quantized", "none", "--depths", "50", "--lengths", "600", bad[0], bad[1]};
            Cli r = Cli.run(args);
            assertEquals(2, r.exitCode(), String.join(" ", bad) + ": " + r.err());
            assertEquals(1, r.err().strip().lines().count(),
                    String.join(" ", bad) + ": " + r.err());
        }
    }
}
