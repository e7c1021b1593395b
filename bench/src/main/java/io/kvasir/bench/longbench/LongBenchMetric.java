package io.kvasir.bench.longbench;

import java.util.List;

/** The metric families of LongBench {@code metrics.py}. */
public enum LongBenchMetric {
    QA_F1, QA_F1_ZH, ROUGE, ROUGE_ZH, CLASSIFICATION, RETRIEVAL, RETRIEVAL_ZH, COUNT, CODE_SIM;

    /** Score of one prediction against one reference answer. */
    public double score(String prediction, String reference, List<String> allClasses) {
        return switch (this) {
            case QA_F1 -> LongBenchMetrics.qaF1(prediction, reference);
            case ROUGE -> LongBenchMetrics.rouge(prediction, reference);
            case CLASSIFICATION -> LongBenchMetrics.classification(prediction, reference, allClasses);
            case RETRIEVAL -> LongBenchMetrics.retrieval(prediction, reference);
            case RETRIEVAL_ZH -> LongBenchMetrics.retrievalZh(prediction, reference);
            case COUNT -> LongBenchMetrics.count(prediction, reference);
            case CODE_SIM -> LongBenchMetrics.codeSim(prediction, reference);
            case QA_F1_ZH -> LongBenchMetrics.qaF1Zh(prediction, reference);
            case ROUGE_ZH -> LongBenchMetrics.rougeZh(prediction, reference);
        };
    }
}
