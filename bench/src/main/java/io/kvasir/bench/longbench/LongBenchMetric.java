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
            // Both need jieba word segmentation (dictionary + HMM); not ported, so no number is produced.
            case QA_F1_ZH, ROUGE_ZH -> throw new UnsupportedOperationException(
                    name().toLowerCase() + " needs jieba word segmentation, which kvasir does not implement yet");
        };
    }

    public boolean supported() {
        return this != QA_F1_ZH && this != ROUGE_ZH;
    }
}
