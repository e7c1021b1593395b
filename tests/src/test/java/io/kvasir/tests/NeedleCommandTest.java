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
            "--max-length", "420", "--step", "60", "--depths", "3", "--max-new-tokens", "4", "--out", out.toString()};
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
        BufferedImage png = ImageIO.read(out.resolve("heatmap.png").toFile());
        assertTrue(png.getWidth() > 100 && png.getHeight() > 100);

        // Resume: remove two cells and leave a torn last line (a killed run); only the two are run again.
        Files.write(out.resolve("cells.jsonl"), lines.subList(0, 7));
        Files.writeString(out.resolve("cells.jsonl"), "{\"context_length\": 420, \"depth_pe", java.nio.file.StandardOpenOption.APPEND);
        Cli again = Cli.run(args);
        assertEquals(0, again.exitCode(), again.err());
        assertFalse(again.err().contains("needle 1/9"), again.err());
        assertTrue(again.err().contains("needle 8/9") && again.err().contains("needle 9/9"), again.err());
        List<String> after = Files.readAllLines(out.resolve("cells.jsonl"));
        assertEquals(9, after.size());
        for (String l : after) JSON.readTree(l); // every line whole again
    }
}
