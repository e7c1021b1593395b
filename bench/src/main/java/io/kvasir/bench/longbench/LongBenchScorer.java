package io.kvasir.bench.longbench;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** LongBench {@code eval.py}: {@code scorer} and {@code scorer_e} (length buckets), with Python's rounding. */
public final class LongBenchScorer {
    private LongBenchScorer() {}

    /** One scored example: prediction, reference answers, all_classes (may be null), length field. */
    public record Example(String prediction, List<String> answers, List<String> allClasses, double length) {}

    /** Max over the references of the dataset metric, after the first-line rule where it applies. */
    public static double exampleScore(LongBenchDataset dataset, Example e) {
        String pred = dataset.firstLineOnly() ? PyText.firstLine(e.prediction()) : e.prediction();
        double score = 0.0;
        for (String ref : e.answers()) score = Math.max(score, dataset.metric().score(pred, ref, e.allClasses()));
        return score;
    }

    /** {@code round(100 * total / n, 2)} with the total summed in order, as eval.py does. */
    public static double score(LongBenchDataset dataset, List<Example> examples) {
        double total = 0.0;
        for (Example e : examples) total += exampleScore(dataset, e);
        return round2(100 * total / examples.size());
    }

    /** LongBench-E buckets "0-4k", "4-8k", "8k+"; an empty bucket is NaN (numpy mean of nothing). */
    public static Map<String, Double> scoreE(LongBenchDataset dataset, List<Example> examples) {
        List<Double> a = new ArrayList<>(), b = new ArrayList<>(), c = new ArrayList<>();
        for (Example e : examples) {
            double s = exampleScore(dataset, e);
            (e.length() < 4000 ? a : e.length() < 8000 ? b : c).add(s);
        }
        Map<String, Double> out = new LinkedHashMap<>();
        out.put("0-4k", round2(100 * numpyMean(a)));
        out.put("4-8k", round2(100 * numpyMean(b)));
        out.put("8k+", round2(100 * numpyMean(c)));
        return out;
    }

    /** Python {@code round(x, 2)}: exact binary value, half-even on exact ties. */
    public static double round2(double x) {
        if (!Double.isFinite(x)) return x;
        return new BigDecimal(x).setScale(2, RoundingMode.HALF_EVEN).doubleValue();
    }

    /** {@code np.mean} of float64: numpy's pairwise summation (blocks of 128, 8 accumulators), then / n. */
    public static double numpyMean(List<Double> values) {
        if (values.isEmpty()) return Double.NaN;
        double[] v = values.stream().mapToDouble(Double::doubleValue).toArray();
        return (0.0 + pairwiseSum(v, 0, v.length)) / v.length;
    }

    static double pairwiseSum(double[] a, int from, int n) {
        if (n < 8) {
            double res = 0.0;
            for (int i = 0; i < n; i++) res += a[from + i];
            return res;
        } else if (n <= 128) {
            double[] r = new double[8];
            for (int j = 0; j < 8; j++) r[j] = a[from + j];
            int i;
            for (i = 8; i < n - (n % 8); i += 8) {
                for (int j = 0; j < 8; j++) r[j] += a[from + i + j];
            }
            double res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
            for (; i < n; i++) res += a[from + i];
            return res;
        } else {
            int n2 = n / 2;
            n2 -= n2 % 8;
            return pairwiseSum(a, from, n2) + pairwiseSum(a, from + n2, n - n2);
        }
    }
}
