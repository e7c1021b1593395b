package io.kvasir.compression.windowkv;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * docs/methods/windowkv.md#classifier and the dataset table of
 * docs/methods/windowkv.md#task-type-and-strategy. The templates are LongBench v1's
 * {@code config/dataset2prompt.json}, copied byte for byte from THUDM/LongBench (MIT licence) at
 * commit 2e00731f8d0bff23dc4325161044d0ed8af94c1e.
 */
class TaskClassifierTest {
    static final Set<String> QA = Set.of("narrativeqa", "qasper", "multifieldqa_en", "multifieldqa_zh", "hotpotqa",
            "2wikimqa", "musique", "dureader");

    static Map<String, String> templates() throws IOException {
        try (InputStream in = TaskClassifierTest.class.getResourceAsStream("/longbench-dataset2prompt.json")) {
            return new ObjectMapper().readValue(in, new TypeReference<Map<String, String>>() {});
        }
    }

    static WindowStrategy expected(String dataset) {
        return QA.contains(dataset) ? WindowStrategy.MAX : WindowStrategy.AVERAGE;
    }

    @Test
    void c1KeywordHeuristicMatchesTheDatasetFamilies() throws IOException {
        Map<String, String> templates = templates();
        assertEquals(21, templates.size());
        KeywordTaskClassifier heuristic = new KeywordTaskClassifier();
        String filler = "filler ".repeat(300);
        templates.forEach((dataset, template) -> {
            String prompt = template.replace("{context}", filler).replace("{input}", "Who wrote the letter?");
            assertEquals(expected(dataset), heuristic.classify(prompt, Optional.empty()), dataset);
        });
    }

    @Test
    void datasetTableCoversAllTemplates() throws IOException {
        for (String dataset : templates().keySet()) {
            assertEquals(Optional.of(expected(dataset)), DatasetTaskClassifier.lookup(dataset), dataset);
        }
        assertEquals(Optional.of(WindowStrategy.MAX), DatasetTaskClassifier.lookup("Qasper_E"));
        assertEquals(Optional.of(WindowStrategy.AVERAGE), DatasetTaskClassifier.lookup("triviaqa"));
        assertEquals(Optional.empty(), DatasetTaskClassifier.lookup("my_dataset"));
    }

    @Test
    void unknownDatasetFallsBack() {
        TaskClassifier classifier = new DatasetTaskClassifier(new FixedTaskClassifier(WindowStrategy.MAX));
        assertEquals(WindowStrategy.AVERAGE, classifier.classify("anything", Optional.of("gov_report")));
        assertEquals(WindowStrategy.MAX, classifier.classify("anything", Optional.of("unknown")));
        assertEquals(WindowStrategy.MAX, classifier.classify("anything", Optional.empty()));
    }

    @Test
    void heuristicOnFreeText() {
        KeywordTaskClassifier heuristic = new KeywordTaskClassifier();
        assertEquals(WindowStrategy.MAX, heuristic.classify("Context...\nQuestion: who?\nAnswer:  \n", Optional.empty()));
        assertEquals(WindowStrategy.AVERAGE, heuristic.classify("Summarize this.\nAnswer:", Optional.empty()));
        assertEquals(WindowStrategy.AVERAGE,
                heuristic.classify("Here are SOME EXAMPLES.\nQuestion: who?\nAnswer:", Optional.empty()));
        assertEquals(WindowStrategy.AVERAGE, heuristic.classify("", Optional.empty()));
    }

    @Test
    void taskTypeParsing() {
        assertEquals(TaskType.QA, TaskType.parse("max"));
        assertEquals(TaskType.OTHER, TaskType.parse("Average"));
        assertEquals(Optional.of(WindowStrategy.MAX), TaskType.QA.fixedStrategy());
        assertEquals(Optional.empty(), TaskType.AUTO.fixedStrategy());
        var e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> TaskType.parse("sum"));
        assertEquals("unknown windowkv task type 'sum'; known: auto, qa (max), other (average)", e.getMessage());
    }
}
