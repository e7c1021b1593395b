package io.kvasir.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kvasir.bench.kept.KeptImage;
import io.kvasir.bench.kept.KeptMap;
import io.kvasir.bench.needle.HeatmapImage;
import io.kvasir.tokenizer.Tokenizer;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `kvasir kept` on the fixture models: the page's kept marks and the image's pixels are the positions that
 * `kvasir generate --kept-map` reads from the compressed cache; the page's tokens are the prompt's.
 */
class KeptCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern SPAN = Pattern.compile(
            "<span data-pos=\"(\\d+)\" data-id=\"(\\d+)\" title=\"position (\\d+), token id (\\d+)\">(.*?)</span>", Pattern.DOTALL);
    private static final String PROMPT = "Kvasir keeps a few tokens. <b>Tags</b> & \"quotes\" stay text.\n"
            + "The best thing to do in San Francisco is eat a sandwich and sit in Dolores Park on a sunny day. "
            + "Then the cache is pruned: only the tokens the last queries attend to survive, the rest are dropped.";

    @Test
    void pageAndImageShowTheCachesKeptPositions(@TempDir Path tmp) throws IOException {
        for (String name : List.of("llama-gqa-bf16", "qwen2-bias-f32")) {
            for (String[] method : List.of(new String[] {"snapkv", "24"}, new String[] {"streamingllm", "16"})) {
                Path model = Fixtures.model(name);
                Path prompt = Files.writeString(tmp.resolve("prompt.txt"), PROMPT);
                Path out = tmp.resolve(name + "-" + method[0]);
                String[] flags = {"--method", method[0], "--budget", method[1], "--window", "4"};
                Cli r = Cli.run(concat(new String[] {"kept", "--model", model.toString(), "--prompt-file", prompt.toString(),
                        "--out", out.toString()}, flags));
                assertEquals(0, r.exitCode(), r.err());
                assertTrue(r.out().contains("prompt tokens") && r.out().contains("% of token slots kept"), r.out());

                Path map = tmp.resolve(name + method[0] + "-map.json");
                Cli g = Cli.run(concat(new String[] {"generate", "--model", model.toString(), "--prompt-file", prompt.toString(),
                        "--max-new-tokens", "1", "--kept-map", map.toString()}, flags));
                assertEquals(0, g.exitCode(), g.err());
                JsonNode cache = JSON.readTree(map.toFile());
                int n = cache.get("prompt_length").asInt();
                int budget = Integer.parseInt(method[1]);
                assertTrue(n > budget, "the prompt is longer than the budget: " + n);

                String html = Files.readString(out.resolve("kept.html"));
                JsonNode data = JSON.readTree(between(html, "<script type=\"application/json\" id=\"kept-data\">", "</script>"));
                assertEquals(cache.get("kept"), data.get("kept"), name + " " + method[0] + ": kept marks = the cache's");
                for (JsonNode layer : data.get("kept")) for (JsonNode head : layer) assertEquals(budget, head.size());

                // the tokens: one span per prompt position, ids and text those of the prompt
                Matcher m = SPAN.matcher(html);
                List<Integer> ids = new ArrayList<>();
                StringBuilder text = new StringBuilder();
                while (m.find()) {
                    assertEquals(ids.size(), Integer.parseInt(m.group(1)));
                    assertEquals(m.group(1), m.group(3));
                    assertEquals(m.group(2), m.group(4));
                    ids.add(Integer.parseInt(m.group(2)));
                    text.append(unescape(m.group(5)));
                }
                List<Integer> promptIds = new ArrayList<>();
                cache.get("prompt_ids").forEach(x -> promptIds.add(x.asInt()));
                assertEquals(promptIds, ids);
                Tokenizer tok = Tokenizer.load(model);
                assertEquals(tok.decode(promptIds.stream().mapToInt(Integer::intValue).toArray(), false), text.toString());
                assertFalse(html.contains("<b>Tags"), "prompt text is escaped");
                assertFalse(html.contains("src=\"http"), "self-contained");

                // the image: each (layer, head) row is green where kept, red where dropped
                BufferedImage img = ImageIO.read(out.resolve("kept.png").toFile());
                int layers = data.get("layers").asInt(), heads = data.get("heads").asInt();
                KeptImage.Geometry geo = KeptImage.Geometry.of(new KeptMap("", new int[n], new String[n], new int[layers][heads][0]));
                assertEquals(1, geo.positionsPerColumn());
                assertEquals(geo.width(), img.getWidth());
                for (int l = 0; l < layers; l++) {
                    for (int h = 0; h < heads; h++) {
                        boolean[] kept = new boolean[n];
                        for (JsonNode p : cache.get("kept").get(l).get(h)) kept[p.asInt()] = true;
                        int y = KeptImage.TOP + (l * heads + h) * geo.rowHeight() + geo.rowHeight() / 2;
                        for (int p = 0; p < n; p++) {
                            int x = KeptImage.LEFT + p * geo.columnWidth() + geo.columnWidth() / 2;
                            assertEquals(HeatmapImage.color(kept[p] ? 1 : 0).getRGB(), img.getRGB(x, y),
                                    "pixel of layer " + l + " head " + h + " position " + p);
                        }
                    }
                }
            }
        }
    }

    @Test
    void badInputFailsWithOneLineAndWritesNothing(@TempDir Path tmp) throws IOException {
        String model = Fixtures.model("llama-gqa-bf16").toString();
        Path prompt = Files.writeString(tmp.resolve("p.txt"), PROMPT);
        Path out = tmp.resolve("out");
        assertOneLine(Cli.run("kept", "--model", model, "--out", out.toString()), "--prompt-file");
        assertOneLine(Cli.run("kept", "--model", model, "--prompt-file", tmp.resolve("nope.txt").toString(), "--out",
                out.toString()), "nope.txt");
        assertOneLine(Cli.run("kept", "--model", model, "--prompt-file", prompt.toString(), "--method", "magic", "--out",
                out.toString()), "magic");
        assertOneLine(Cli.run("kept", "--model", model, "--prompt-file", prompt.toString(), "--method", "snapkv",
                "--budget", "abc", "--out", out.toString()), "--budget");
        assertOneLine(Cli.run("kept", "--model", tmp.resolve("nomodel").toString(), "--prompt-file", prompt.toString(),
                "--out", out.toString()), "nomodel");
        assertOneLine(Cli.run("kept", "--model", model, "--prompt-file", prompt.toString(), "--out", prompt.toString()),
                "not a folder");
        assertFalse(Files.exists(out), "nothing written");
    }

    private static void assertOneLine(Cli r, String mustContain) {
        assertEquals(2, r.exitCode(), r.err());
        String err = r.err().strip();
        assertEquals(1, err.lines().count(), err);
        assertTrue(err.contains(mustContain), err);
    }

    private static String between(String s, String start, String end) {
        int a = s.indexOf(start) + start.length();
        return s.substring(a, s.indexOf(end, a));
    }

    private static String unescape(String s) {
        return s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'").replace("&amp;", "&");
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = new String[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
