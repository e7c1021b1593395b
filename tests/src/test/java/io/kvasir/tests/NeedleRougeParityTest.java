package io.kvasir.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.kvasir.bench.needle.NeedleScores;
import org.junit.jupiter.api.Test;

/**
 * Issue #20 item 8 (needle score): 10 x ROUGE-1 F with the Porter stemmer equals google-research's rouge_scorer
 * source (fetched, run by parity_reference.py with nltk's PorterStemmer) on our responses (rouge.json).
 */
class NeedleRougeParityTest {
    @Test
    void scoresEqualRougeScorer() {
        JsonNode ref = ParityFixtures.json("rouge");
        String needle = ref.get("needle").asText();
        int compared = 0;
        for (JsonNode c : ref.get("cases")) {
            String response = c.get("response").asText();
            assertEquals(c.get("score").asDouble(), NeedleScores.rouge1x10(needle, response), 0.0, response);
            compared++;
        }
        assertEquals(16, compared);
    }
}
