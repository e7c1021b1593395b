package io.kvasir.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.kvasir.bench.needle.Haystack;
import io.kvasir.bench.needle.NeedleGrid;
import io.kvasir.bench.needle.PeriodTokens;
import io.kvasir.tokenizer.Tokenizer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #20 items 3, 4 and 6: the needle context of every cell is the one KVCache-Factory's own
 * read_context_files / encode_and_trim / insert_needle build (needle.json, made by parity_reference.py on
 * fixtures/parity/haystack, whose b_garden.txt has Windows line endings and a lone "\r"): the period ids of the
 * model's provider only (item 3; Qwen2 is not listed and takes the "." fallback), int(len * (depth / 100)) in
 * floating point with 7 and 13 depths as well as 10 and on cells searched for where it matters (item 4), files
 * read as Python's text mode (item 6). The fixture also counts the cells kvasir's earlier rules would have built
 * otherwise, one rule at a time, so each item is exercised.
 */
class NeedlePlacementParityTest {
    @Test
    void everyCellEqualsTheReference(@TempDir Path tmp) throws Exception {
        JsonNode ref = ParityFixtures.json("needle");
        String needle = ref.get("needle").asText();
        int reserve = ref.get("final_context_length_buffer").asInt();
        List<String> wrong = new ArrayList<>();
        Map<String, Integer> oldRuleCells = new TreeMap<>(); // cells kvasir's earlier rules would have built otherwise
        int compared = 0;
        for (JsonNode run : ref.get("runs")) {
            String model = run.get("tokenizer").asText();
            Tokenizer t = ParityFixtures.tokenizer(model, run.get("clean_up_tokenization_spaces").asBoolean(),
                    Files.createTempDirectory(tmp, model));
            JsonNode config = Fixtures.json(Fixtures.model(model).resolve("config.json"));
            PeriodTokens periods = PeriodTokens.forModel(config.get("architectures").get(0).asText(), t);
            String provider = run.get("model_provider").asText();
            assertEquals(provider.equals("Qwen2") ? "other" : provider, periods.provider(), model);
            if (run.has("intervals")) { // a grid; the other runs hold the cells searched for where item 4 shows
                List<Integer> depths = new ArrayList<>();
                run.get("depths").forEach(d -> depths.add(d.asInt()));
                assertEquals(depths, NeedleGrid.depths(run.get("intervals").asInt())); // --depth-count N
                run.get("cells_changed_by_old_rule").properties()
                        .forEach(e -> oldRuleCells.merge(e.getKey(), e.getValue().asInt(), Integer::sum));
            } else {
                oldRuleCells.merge("integer_insertion", run.get("cells").size(), Integer::sum);
            }
            Path essays = ParityFixtures.DIR.resolve("haystack");
            Haystack haystack = Haystack.load(t, essays, run.get("max").asInt(), periods);
            for (JsonNode cell : run.get("cells")) {
                int length = cell.get("length").asInt();
                int depth = cell.get("depth").asInt();
                if (!sha256(haystack.context(length, depth, needle, reserve)).equals(cell.get("sha256").asText())) {
                    wrong.add(model + " " + run.path("intervals").asText("searched") + " depths, length " + length
                            + " depth " + depth);
                }
                compared++;
            }
        }
        assertEquals(1017, compared);
        assertEquals(List.of(), wrong);
        assertEquals(Map.of("crlf_kept", 770, "integer_insertion", 3, "period_any_dot", 466), oldRuleCells);
    }

    private static String sha256(String s) throws Exception {
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(digest);
    }
}
