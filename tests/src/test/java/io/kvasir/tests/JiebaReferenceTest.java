package io.kvasir.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.kvasir.bench.longbench.Jieba;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * kvasir's jieba port against {@code list(jieba.cut(text))} of Python jieba 0.42.1, recorded by
 * tests/tools/longbench_metrics_reference.py in tests/fixtures/longbench/jieba_reference.json.
 */
class JiebaReferenceTest {
    private static final JsonNode REF = Fixtures.json(Fixtures.ROOT.resolve("longbench/jieba_reference.json"));

    @Test
    void everySentenceSegmentsExactlyAsPythonJieba() {
        Jieba jieba = Jieba.standard();
        List<String> mismatches = new ArrayList<>();
        int cases = 0, tokens = 0;
        for (JsonNode c : REF.get("cases")) {
            String text = c.get("text").asText();
            List<String> want = new ArrayList<>();
            c.get("tokens").forEach(t -> want.add(t.asText()));
            List<String> got = jieba.cut(text);
            if (!want.equals(got)) mismatches.add(text + "\n  python " + want + "\n  kvasir " + got);
            cases++;
            tokens += want.size();
        }
        assertTrue(cases >= 200 && tokens >= 2000, "fixture has " + cases + " cases, " + tokens + " tokens");
        assertEquals(List.of(), mismatches);
    }

    @Test
    void specVectorsOfSection77() {
        Jieba jieba = Jieba.standard();
        assertEquals(List.of("会议", "讨论", "了", "预算", "问题", "。"), jieba.cut("会议讨论了预算问题。"));
        assertEquals(List.of("本次", "会议", "主要", "讨论", "预算", "。"), jieba.cut("本次会议主要讨论预算。"));
        assertEquals(List.of(), jieba.cut(""));
    }
}
