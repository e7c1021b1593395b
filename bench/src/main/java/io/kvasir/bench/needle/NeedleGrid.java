package io.kvasir.bench.needle;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;

/** The test grid of docs/benchmarks.md#grid: context lengths {@code arange(s, e+1, step)}, depths rounded linspace(0, 100, n). */
public record NeedleGrid(List<Integer> lengths, List<Integer> depths) {
    public NeedleGrid {
        if (lengths.isEmpty() || depths.isEmpty()) throw new IllegalArgumentException("empty needle grid");
        lengths = List.copyOf(lengths);
        depths = List.copyOf(depths);
    }

    public static NeedleGrid of(int start, int end, int step, int depthIntervals) {
        if (step < 1) throw new IllegalArgumentException("--step must be at least 1 token");
        if (start < 1 || end < start) throw new IllegalArgumentException("need 1 <= --min-length <= --max-length");
        if (depthIntervals < 1) throw new IllegalArgumentException("--depths must be at least 1");
        List<Integer> lengths = new ArrayList<>();
        for (int l = start; l < end + 1; l += step) lengths.add(l);
        return new NeedleGrid(lengths, depths(depthIntervals));
    }

    /** {@code np.round(np.linspace(0, 100, n))}: half-to-even of the exact float64 values. */
    static List<Integer> depths(int n) {
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
