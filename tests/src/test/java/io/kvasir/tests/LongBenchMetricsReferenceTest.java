package io.kvasir.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.kvasir.bench.longbench.LongBenchDataset;
import io.kvasir.bench.longbench.LongBenchMetric;
import io.kvasir.bench.longbench.LongBenchScorer;
import io.kvasir.bench.longbench.LongBenchScorer.Example;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * LongBench metrics against values recorded by tests/tools/longbench_metrics_reference.py, which runs the
 * official metrics.py / eval.py code (see the provenance note in that file and in the fixture).
 */
class LongBenchMetricsReferenceTest {
    private static final JsonNode REF = Fixtures.json(Fixtures.ROOT.resolve("longbench/metrics_reference.json"));

    @Test
    void fixtureHasEnoughCases() {
        assertTrue(REF.get("metrics").size() >= 50, "at least 50 prediction/answer pairs");
        int chinese = 0;
        for (JsonNode c : REF.get("metrics")) {
            if ((c.get("prediction").asText() + c.get("reference").asText()).codePoints().anyMatch(cp -> cp >= 0x4E00 && cp <= 0x9FFF)) chinese++;
        }
        assertTrue(chinese >= 20, "at least 20 Chinese pairs, got " + chinese);
    }

    @TestFactory
    Stream<DynamicTest> perExampleMetricsMatchTheOfficialCode() {
        List<DynamicTest> tests = new ArrayList<>();
        int i = 0;
        for (JsonNode c : REF.get("metrics")) {
            String metric = c.get("metric").asText();
            String pred = c.get("prediction").asText();
            String ref = c.get("reference").asText();
            List<String> classes = strings(c.get("all_classes"));
            double expected = c.get("value").asDouble();
            tests.add(DynamicTest.dynamicTest((i++) + " " + metric + " " + abbreviate(pred), () ->
                    assertEquals(expected, LongBenchMetric.valueOf(metric.toUpperCase()).score(pred, ref, classes), 1e-12)));
        }
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> datasetScoresAndLengthBucketsMatchEvalPy() {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode d : REF.get("datasets")) {
            String name = d.get("dataset").asText();
            LongBenchDataset dataset = LongBenchDataset.byName(name).orElseThrow();
            List<Example> examples = new ArrayList<>();
            List<String> classes = strings(d.get("all_classes"));
            for (int k = 0; k < d.get("predictions").size(); k++) {
                examples.add(new Example(d.get("predictions").get(k).asText(), strings(d.get("answers").get(k)),
                        classes, d.get("lengths").get(k).asDouble()));
            }
            tests.add(DynamicTest.dynamicTest(name, () -> {
                assertEquals(d.get("score").asDouble(), LongBenchScorer.score(dataset, examples), 0.0);
                Map<String, Double> e = LongBenchScorer.scoreE(dataset, examples);
                for (String bucket : List.of("0-4k", "4-8k", "8k+")) {
                    JsonNode want = d.get("score_e").get(bucket);
                    if (want.isNull()) {
                        assertTrue(e.get(bucket).isNaN(), bucket);
                    } else {
                        assertEquals(want.asDouble(), e.get(bucket), 0.0, bucket);
                    }
                }
            }));
        }
        return tests.stream();
    }

    private static List<String> strings(JsonNode array) {
        if (array == null || array.isNull()) return null;
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static String abbreviate(String s) {
        String t = s.replace("\n", "\\n");
        return t.length() > 30 ? t.substring(0, 30) + "..." : t;
    }
}
