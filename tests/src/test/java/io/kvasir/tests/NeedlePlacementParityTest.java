package io.kvasir.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.kvasir.bench.needle.Haystack;
import io.kvasir.bench.needle.NeedleGrid;
import io.kvasir.bench.needle.PeriodTokens;
import io.kvasir.model.tokenizer.Tokenizer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #20 items 3, 4 and 6: the needle context of every cell is the one KVCache-Factory's own
 * read_context_files / encode_and_trim / insert_needle build (needle.json, made by parity_reference.py on
 * fixtures/parity/haystack, whose b_garden.txt has Windows line endings and a lone "\r"): the period ids of the
 * model's provider only (item 3; Qwen2 is not listed and takes the "." fallback), int(len * (depth / 100)) in
 * floating point with 7 and 13 depths as well as 10 (item 4), files read as Python's text mode (item 6).
 */
class NeedlePlacementParityTest {
    @Test
    void everyCellEqualsTheReference(@TempDir Path tmp) throws Exception {
        JsonNode ref = ParityFixtures.json("needle");
        String needle = ref.get("needle").asText();
        int reserve = ref.get("final_context_length_buffer").asInt();
        List<String> wrong = new ArrayList<>();
        int compared = 0;
        for (JsonNode run : ref.get("runs")) {
            String model = run.get("tokenizer").asText();
            Tokenizer t = ParityFixtures.tokenizer(model, run.get("clean_up_tokenization_spaces").asBoolean(),
                    Files.createTempDirectory(tmp, model));
            String arch = Fixtures.json(Fixtures.model(model).resolve("config.json")).get("architectures").get(0).asText();
            PeriodTokens periods = PeriodTokens.forModel(arch, t);
            String provider = run.get("model_provider").asText();
            assertEquals(provider.equals("Qwen2") ? "other" : provider, periods.provider(), model);
            NeedleGrid grid = NeedleGrid.of(run.get("min").asInt(), run.get("max").asInt(), run.get("step").asInt(),
                    run.get("intervals").asInt());
            List<Integer> depths = new ArrayList<>();
            run.get("depths").forEach(d -> depths.add(d.asInt()));
            assertEquals(depths, grid.depths());
            Haystack haystack = Haystack.load(t, ParityFixtures.DIR.resolve("haystack"), grid.maxLength(), periods);
            for (JsonNode cell : run.get("cells")) {
                String context = haystack.context(cell.get("length").asInt(), cell.get("depth").asInt(), needle, reserve);
                if (!sha256(context).equals(cell.get("sha256").asText())) {
                    wrong.add(model + " " + run.get("intervals") + " depths, length " + cell.get("length") + " depth "
                            + cell.get("depth"));
                }
                compared++;
            }
        }
        assertEquals(1014, compared);
        assertEquals(List.of(), wrong);
    }

    private static String sha256(String s) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    }
}
