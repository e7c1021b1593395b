package io.kvasir.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.kvasir.bench.needle.NeedleScores;
import io.kvasir.bench.needle.PorterStemmer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Needle scores and Porter stems against tests/tools/needle_score_reference.py (real nltk stemmer). */
class NeedleScoreReferenceTest {
    private static final JsonNode REF = Fixtures.json(Fixtures.ROOT.resolve("needle/score_reference.json"));

    @Test
    void porterStemsMatchNltk() {
        List<String> wrong = new ArrayList<>();
        REF.get("stems").properties().forEach(e -> {
            String got = PorterStemmer.stem(e.getKey());
            if (!got.equals(e.getValue().asText())) wrong.add(e.getKey() + " -> " + got + " (nltk " + e.getValue().asText() + ")");
        });
        assertEquals(List.of(), wrong);
    }

    @Test
    void needleTokensAndScoresMatch() {
        List<String> tokens = new ArrayList<>();
        REF.get("needle_tokens").forEach(n -> tokens.add(n.asText()));
        assertEquals(tokens, NeedleScores.tokenize(NeedleScores.NEEDLE));
        for (JsonNode r : REF.get("responses")) {
            String response = r.get("response").asText();
            assertEquals(r.get("score").asDouble(), NeedleScores.rouge1x10(response), 1e-12, response);
            assertEquals(r.get("score_heatmap").asDouble(), NeedleScores.heatmap(response), 1e-12, response);
        }
    }
}
