package io.kvasir.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kvasir.bench.ruler.RulerGenerator;
import io.kvasir.model.Model;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `kvasir ruler --generate-length`: RULER-style data that fits the length and holds its answers. */
class RulerGeneratorTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void generatedExamplesFitAndContainTheirAnswers(@TempDir Path tmp) throws IOException {
        Path data = tmp.resolve("data");
        Path model = Fixtures.model("qwen2-bias-f32");
        List<String> tasks = List.of("niah_single_1", "niah_single_3", "niah_multikey_2", "niah_multivalue",
                "niah_multiquery", "vt", "cwe", "fwe");
        Cli r = Cli.run("ruler", "--model", model.toString(), "--data", data.toString(), "--tasks", String.join(",", tasks),
                "--generate-length", "2000", "--samples", "2", "--out", tmp.resolve("out").toString());
        assertEquals(0, r.exitCode(), r.err());
        try (Model m = Model.load(model)) {
            for (String t : tasks) {
                List<String> lines = Files.readAllLines(data.resolve(t + ".jsonl"));
                assertEquals(2, lines.size(), t);
                for (String l : lines) {
                    JsonNode n = JSON.readTree(l);
                    String input = n.get("input").asText();
                    // RULER's sizing: tokens without special tokens plus the task's tokens_to_generate
                    int tokens = m.tokenizer().encode(input, false).length;
                    assertTrue(tokens + RulerGenerator.tokensToGenerate(t) <= 2000 && tokens > 1000, t + ": " + tokens + " tokens");
                    assertEquals(tokens + RulerGenerator.tokensToGenerate(t), n.get("length").asInt(), t);
                    int expected = switch (t) {
                        case "niah_multivalue", "niah_multiquery" -> 4;
                        case "vt" -> 5;
                        case "cwe" -> 10;
                        case "fwe" -> 3;
                        default -> 1;
                    };
                    assertEquals(expected, n.get("outputs").size(), t);
                    for (JsonNode a : n.get("outputs")) assertTrue(input.contains(a.asText()), t + " answer in input");
                }
            }
        }
        JsonNode result = JSON.readTree(tmp.resolve("out/result.json").toFile());
        for (String t : tasks) assertTrue(result.get(t).asDouble() >= 0, t);
    }
}
