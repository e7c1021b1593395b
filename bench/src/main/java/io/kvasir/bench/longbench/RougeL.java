package io.kvasir.bench.longbench;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * ROUGE-L F as the PyPI {@code rouge} 1.0.1 package computes it ({@code rouge_l_summary_level}), which
 * LongBench uses: sentences split on ".", distinct-word counts, union of LCS word strings. It is not
 * standard ROUGE-L (docs/benchmarks.md#metrics).
 */
public final class RougeL {
    private RougeL() {}

    /** The rouge-l f score, or 0 where the package raises (empty hypothesis or reference). */
    public static double f(String hypothesis, String reference) {
        List<String> hyp = sentences(hypothesis);
        List<String> ref = sentences(reference);
        if (hyp.isEmpty() || ref.isEmpty()) return 0.0;
        int m = new HashSet<>(words(ref)).size();
        int n = new HashSet<>(words(hyp)).size();
        Set<String> union = new HashSet<>();
        int llcs = 0;
        for (String r : ref) {
            int before = union.size();
            List<String> refWords = PyText.split(r, " ");
            for (String h : hyp) union.addAll(lcsWords(refWords, PyText.split(h, " ")));
            llcs += union.size() - before;
        }
        double r = (double) llcs / m;
        double p = (double) llcs / n;
        return 2.0 * ((p * r) / (p + r + 1e-8));
    }

    static List<String> sentences(String text) {
        List<String> out = new ArrayList<>();
        for (String piece : PyText.split(text, ".")) {
            if (!piece.isEmpty()) out.add(PyText.collapseSpaces(piece));
        }
        return out;
    }

    private static List<String> words(List<String> sentences) {
        List<String> out = new ArrayList<>();
        for (String s : sentences) out.addAll(PyText.split(s, " "));
        return out;
    }

    /** One LCS of x and y, backtracked exactly as rouge's {@code _recon_lcs}. */
    static List<String> lcsWords(List<String> x, List<String> y) {
        int n = x.size(), m = y.size();
        int[][] t = new int[n + 1][m + 1];
        for (int i = 1; i <= n; i++) {
            for (int j = 1; j <= m; j++) {
                t[i][j] = x.get(i - 1).equals(y.get(j - 1)) ? t[i - 1][j - 1] + 1 : Math.max(t[i - 1][j], t[i][j - 1]);
            }
        }
        List<String> out = new ArrayList<>();
        int i = n, j = m;
        while (i > 0 && j > 0) {
            if (x.get(i - 1).equals(y.get(j - 1))) {
                out.add(x.get(i - 1));
                i--;
                j--;
            } else if (t[i - 1][j] > t[i][j - 1]) {
                i--;
            } else {
                j--;
            }
        }
        return out;
    }
}
