package io.kvasir.bench.longbench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** Templates, lengths and rules of docs/benchmarks.md#longbench checked against its tables. */
class LongBenchDatasetTest {
    private static LongBenchDataset d(String name) {
        return LongBenchDataset.byName(name).orElseThrow();
    }

    @Test
    void all21DatasetsWithSpecMaxNewTokens() {
        assertEquals(21, LongBenchDataset.names().size());
        assertEquals(128, d("narrativeqa").maxNewTokens());
        assertEquals(32, d("hotpotqa").maxNewTokens());
        assertEquals(512, d("gov_report").maxNewTokens());
        assertEquals(64, d("repobench-p").maxNewTokens());
        assertEquals(512, d("vcsum").maxNewTokens());
        assertEquals(64, d("lcc_e").maxNewTokens());
    }

    @Test
    void templateQuirksAreKept() {
        assertTrue(d("narrativeqa").template().contains("asconcisely"));
        assertTrue(d("qasper").template().contains("{context}\n\n Answer the question"));
        assertTrue(d("multi_news").template().contains("all news. \n\nNews:"));
        assertTrue(d("passage_count").template().endsWith("The final answer is: "));
        assertEquals("Please complete the code given below. \nCTXNext line of code:\n", d("lcc").prompt("CTX", "IN"));
        assertEquals("Please complete the code given below. \nCTXINNext line of code:\n", d("repobench-p").prompt("CTX", "IN"));
        assertTrue(d("trec").prompt("C {input} C", "Q").endsWith("C {input} C\nQ"), "context text is not re-formatted");
    }

    @Test
    void rulesPerDataset() {
        for (String n : List.of("trec", "triviaqa", "samsum", "lsht")) assertTrue(d(n).firstLineOnly(), n);
        assertFalse(d("hotpotqa").firstLineOnly());
        for (String n : List.of("trec", "triviaqa", "samsum", "lsht", "lcc", "repobench-p")) assertFalse(d(n).chatTemplateAllowed(), n);
        assertTrue(d("qasper").chatTemplateAllowed());
        assertEquals(LongBenchMetric.CODE_SIM, d("lcc").metric());
        assertEquals(LongBenchMetric.QA_F1_ZH, d("multifieldqa_zh").metric());
        assertEquals(LongBenchMetric.ROUGE_ZH, d("vcsum").metric());
    }

    @Test
    void referenceLimitsLastMatchWins() {
        // QPruningKV 43687a2 run_longbench.py:75-81; KVCache-Factory c97f9d7 run_longbench.py:84-90
        ReferenceProfile paper = ReferenceProfile.of("paper");
        ReferenceProfile official = ReferenceProfile.of("official");
        assertEquals(OptionalInt.of(7950), paper.limit("/m/Meta-Llama-3-8B-Instruct"));
        assertEquals(OptionalInt.of(7500), official.limit("/m/Meta-Llama-3-8B-Instruct"));
        for (ReferenceProfile p : ReferenceProfile.values()) {
            assertEquals(OptionalInt.of(3950), p.limit("/m/llama-2-7b-chat"));
            assertEquals(OptionalInt.of(31500), p.limit("/m/Mistral-7B-Instruct-v0.2"));
            assertEquals(OptionalInt.of(31500), p.limit("/llama3/mistral"));
            assertTrue(p.limit("/m/qwen2").isEmpty());
        }
        assertThrows(IllegalArgumentException.class, () -> ReferenceProfile.of("windowkv"));
    }

    @Test
    void pythonStringSemantics() {
        assertEquals(List.of("a", "b"), PyText.split("\u00a0a \t\u2003b\u001c"));
        assertEquals(List.of(), PyText.split("   "));
        assertEquals(List.of("", "a", "", ""), PyText.split(".a..", "."));
        assertEquals("Location", PyText.firstLine("\n\nLocation\nmore"));
        assertEquals("", PyText.firstLine(""));
    }

    @Test
    void numpyPairwiseMeanDiffersFromSequentialWhereNumpyDoes() {
        // 0.1 summed ten times: sequentially 0.9999999999999999, numpy's 8-accumulator pairwise sum gives 1.0.
        List<Double> v = java.util.Collections.nCopies(10, 0.1);
        assertEquals(0.1, LongBenchScorer.numpyMean(v), 0.0);
        assertTrue(Double.isNaN(LongBenchScorer.numpyMean(List.of())));
        assertEquals(0.12, LongBenchScorer.round2(0.125), 0.0);
        assertEquals(2.67, LongBenchScorer.round2(2.675), 0.0); // 2.675 is 2.67499999... in binary
    }
}
