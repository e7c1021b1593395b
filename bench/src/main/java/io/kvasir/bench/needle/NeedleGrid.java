package io.kvasir.bench.needle;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;

/**
 * The test grid of docs/benchmarks.md#grid: context lengths {@code arange(s, e+1, step)}; depths in percent, by default the
 * reference's rounded linspace(0, 100, n).
 */
public record NeedleGrid(List<Integer> lengths, List<Integer> depths) {
    public NeedleGrid {
        if (lengths.isEmpty() || depths.isEmpty()) throw new IllegalArgumentException("empty needle grid");
        lengths = List.copyOf(lengths);
        depths = List.copyOf(depths);
    }

    public static NeedleGrid of(int start, int end, int step, List<Integer> depthPercents) {
        if (step < 1) throw new IllegalArgumentException("--step must be at least 1 token");
        if (start < 1 || end < start) throw new IllegalArgumentException("need 1 <= --min-length <= --max-length");
        for (int d : depthPercents) {
            if (d < 0 || d > 100) throw new IllegalArgumentException("--depths are percents from 0 to 100, got " + d);
        }
        if (depthPercents.stream().distinct().count() != depthPercents.size()) {
            throw new IllegalArgumentException("--depths lists a depth twice: " + depthPercents);
        }
        List<Integer> lengths = new ArrayList<>();
        for (int l = start; l < end + 1; l += step) lengths.add(l);
        return new NeedleGrid(lengths, depthPercents);
    }

    /** {@code np.round(np.linspace(0, 100, n))}: half-to-even of the exact float64 values (--depth-count n). */
    public static List<Integer> depths(int n) {
        if (n < 1) throw new IllegalArgumentException("--depth-count must be at least 1");
        List<Integer> out = new ArrayList<>();
        if (n == 1) {
            out.add(0);
            return out;
        }
        double step = 100.0 / (n - 1);
        for (int i = 0; i < n; i++) {
            double v = i == n - 1 ? 100.0 : i * step; // numpy: start + i*step, endpoint set exactly
            out.add(new BigDecimal(v).setScale(0, RoundingMode.HALF_EVEN).intValueExact());
        }
        return out;
    }

    public int maxLength() {
        return lengths.getLast();
    }
}
