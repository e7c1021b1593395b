package io.kvasir.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.kvasir.bench.longbench.LongBenchDataset;
import io.kvasir.bench.longbench.LongBenchScorer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue #20 item 7: LongBench-E buckets equal eval.py's scorer_e (buckets.json, run by parity_reference.py),
 * an empty bucket included: NaN in both; the official json.dump writes it as NaN, which is not JSON, so
 * kvasir's result.json holds null there (README, longbench-score).
 */
class EmptyBucketParityTest {
    /** Python's json writes NaN bare. */
    private static final JsonMapper PYTHON_JSON =
            JsonMapper.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();

    @Test
    void bucketsEqualScorerE() throws Exception {
        JsonNode ref = ParityFixtures.json("buckets");
        LongBenchDataset dataset = LongBenchDataset.byName(ref.get("dataset").asText()).orElseThrow();
        int buckets = 0;
        int empty = 0;
        for (JsonNode c : ref.get("cases")) {
            List<LongBenchScorer.Example> examples = new ArrayList<>();
            for (int i = 0; i < c.get("predictions").size(); i++) {
                List<String> answers = new ArrayList<>();
                c.get("answers").get(i).forEach(a -> answers.add(a.asText()));
                examples.add(new LongBenchScorer.Example(c.get("predictions").get(i).asText(), answers, null,
                        c.get("lengths").get(i).asDouble()));
            }
            Map<String, Double> got = LongBenchScorer.scoreE(dataset, examples);
            JsonNode want = PYTHON_JSON.readTree(c.get("result_json").asText());
            assertEquals(3, want.size());
            for (var e : want.properties()) {
                assertEquals(e.getValue().asDouble(), got.get(e.getKey()), 0.0, e.getKey());
                buckets++;
                if (Double.isNaN(e.getValue().asDouble())) empty++;
            }
        }
        assertEquals(9, buckets);
        assertEquals(5, empty);
    }
}
