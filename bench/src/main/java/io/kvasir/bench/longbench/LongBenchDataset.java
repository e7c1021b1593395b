package io.kvasir.bench.longbench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One LongBench v1 dataset: its metric (eval.py {@code dataset2metric}), {@code dataset2maxlen}, and prompt
 * template ({@code dataset2prompt}, byte for byte, quirks kept).
 */
public record LongBenchDataset(String name, LongBenchMetric metric, int maxNewTokens, String template) {
    /** Datasets whose prediction is cut to its first line before scoring (eval.py). */
    private static final Set<String> FIRST_LINE = Set.of("trec", "triviaqa", "samsum", "lsht");
    /** Few-shot and code tasks that never get a chat template (official LongBench pred.py). */
    private static final Set<String> NO_CHAT_TEMPLATE = Set.of("trec", "triviaqa", "samsum", "lsht", "lcc", "repobench-p");

    /** The 16 English datasets in the order the scripts run them. */
    public static final List<String> ENGLISH = List.of("narrativeqa", "qasper", "multifieldqa_en", "hotpotqa",
            "2wikimqa", "musique", "gov_report", "qmsum", "multi_news", "trec", "triviaqa", "samsum",
            "passage_count", "passage_retrieval_en", "lcc", "repobench-p");

    private static final Map<String, LongBenchDataset> ALL = load();

    public boolean firstLineOnly() {
        return FIRST_LINE.contains(name);
    }

    public boolean chatTemplateAllowed() {
        return !NO_CHAT_TEMPLATE.contains(name);
    }

    /** samsum alone also stops on a newline in the official harness. */
    public boolean stopsOnNewline() {
        return name.equals("samsum");
    }

    /** {@code template.format(context=..., input=...)}; the templates hold no other braces. */
    public String prompt(String context, String input) {
        int c = template.indexOf("{context}");
        String filled = template.substring(0, c) + context + template.substring(c + "{context}".length());
        int i = filled.indexOf("{input}", c + context.length());
        return i < 0 ? filled : filled.substring(0, i) + input + filled.substring(i + "{input}".length());
    }

    /** The dataset by name; a LongBench-E name ({@code x_e}) resolves to {@code x}. */
    public static Optional<LongBenchDataset> byName(String name) {
        LongBenchDataset d = ALL.get(name);
        if (d == null && name.endsWith("_e")) d = ALL.get(name.substring(0, name.length() - 2));
        return Optional.ofNullable(d);
    }

    public static Set<String> names() {
        return ALL.keySet();
    }

    private static Map<String, LongBenchDataset> load() {
        Map<String, String> templates;
        try (InputStream in = LongBenchDataset.class.getResourceAsStream("dataset2prompt.json")) {
            @SuppressWarnings("unchecked")
            Map<String, String> t = new ObjectMapper().readValue(in, LinkedHashMap.class);
            templates = t;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Object[][] table = {
            {"narrativeqa", LongBenchMetric.QA_F1, 128}, {"qasper", LongBenchMetric.QA_F1, 128},
            {"multifieldqa_en", LongBenchMetric.QA_F1, 64}, {"multifieldqa_zh", LongBenchMetric.QA_F1_ZH, 64},
            {"hotpotqa", LongBenchMetric.QA_F1, 32}, {"2wikimqa", LongBenchMetric.QA_F1, 32},
            {"musique", LongBenchMetric.QA_F1, 32}, {"dureader", LongBenchMetric.ROUGE_ZH, 128},
            {"gov_report", LongBenchMetric.ROUGE, 512}, {"qmsum", LongBenchMetric.ROUGE, 512},
            {"multi_news", LongBenchMetric.ROUGE, 512}, {"vcsum", LongBenchMetric.ROUGE_ZH, 512},
            {"trec", LongBenchMetric.CLASSIFICATION, 64}, {"triviaqa", LongBenchMetric.QA_F1, 32},
            {"samsum", LongBenchMetric.ROUGE, 128}, {"lsht", LongBenchMetric.CLASSIFICATION, 64},
            {"passage_count", LongBenchMetric.COUNT, 32}, {"passage_retrieval_en", LongBenchMetric.RETRIEVAL, 32},
            {"passage_retrieval_zh", LongBenchMetric.RETRIEVAL_ZH, 32}, {"lcc", LongBenchMetric.CODE_SIM, 64},
            {"repobench-p", LongBenchMetric.CODE_SIM, 64},
        };
        Map<String, LongBenchDataset> out = new LinkedHashMap<>();
        Arrays.stream(table).forEach(row -> {
            String name = (String) row[0];
            out.put(name, new LongBenchDataset(name, (LongBenchMetric) row[1], (Integer) row[2],
                    java.util.Objects.requireNonNull(templates.get(name), name)));
        });
        return Map.copyOf(out);
    }
}
