package io.kvasir.bench.longbench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * jieba's {@code finalseg}: a 4-state (B, M, E, S) HMM that segments runs of characters the dictionary
 * route left as single characters. Viterbi with the same tie-breaking as Python's max over
 * (probability, state letter) tuples: on equal probability the later letter in B &lt; E &lt; M &lt; S wins.
 */
final class JiebaHmm {
    private static final double MIN_FLOAT = -3.14e100;
    // State indices ordered by letter, so "larger index" means "larger letter" for the tie rule.
    private static final int B = 0, E = 1, M = 2, S = 3;
    private static final String LETTERS = "BEMS";
    /** PrevStatus: B <- E,S; E <- B,M; M <- M,B; S <- S,E. */
    private static final int[][] PREV = {{E, S}, {B, M}, {M, B}, {S, E}};
    /** finalseg's re_skip; the text it sees holds only ASCII besides Han, so [0-9] is Python's \d here. */
    private static final Pattern ALNUM = Pattern.compile("[a-zA-Z0-9]+(?:\\.[0-9]+)?%?");

    private final double[] start = new double[4];
    private final double[][] trans = new double[4][4];
    private final Map<Integer, double[]> emit = new HashMap<>();

    private JiebaHmm() {
        for (double[] row : trans) java.util.Arrays.fill(row, MIN_FLOAT);
    }

    static JiebaHmm load(BufferedReader lines) {
        JiebaHmm h = new JiebaHmm();
        try (lines) {
            for (String line; (line = lines.readLine()) != null; ) {
                if (line.startsWith("#") || line.isBlank()) continue;
                String[] f = line.split("\t");
                switch (f[0]) {
                    case "start" -> h.start[state(f[1])] = Double.parseDouble(f[2]);
                    case "trans" -> h.trans[state(f[1])][state(f[2])] = Double.parseDouble(f[3]);
                    case "emit" -> h.emit.computeIfAbsent(Integer.parseInt(f[2], 16), k -> filled())[state(f[1])] =
                            Double.parseDouble(f[3]);
                    default -> throw new IllegalStateException("bad HMM line: " + line);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return h;
    }

    private static double[] filled() {
        double[] d = new double[4];
        java.util.Arrays.fill(d, MIN_FLOAT);
        return d;
    }

    private static int state(String letter) {
        int i = LETTERS.indexOf(letter);
        if (i < 0 || letter.length() != 1) throw new IllegalStateException("bad HMM state " + letter);
        return i;
    }

    /** {@code finalseg.cut}: Han runs through Viterbi; other runs split into alphanumerics and the rest. */
    void cut(String text, List<String> out) {
        int[] s = text.codePoints().toArray();
        int i = 0;
        while (i < s.length) {
            int j = i;
            boolean han = isHan(s[i]);
            while (j < s.length && isHan(s[j]) == han) j++;
            if (han) {
                viterbiCut(s, i, j, out);
            } else {
                // re.split("([a-zA-Z0-9]+(?:\.\d+)?%?)"), empty pieces dropped.
                String blk = new String(s, i, j - i);
                Matcher m = ALNUM.matcher(blk);
                int at = 0;
                while (m.find()) {
                    if (m.start() > at) out.add(blk.substring(at, m.start()));
                    out.add(m.group());
                    at = m.end();
                }
                if (at < blk.length()) out.add(blk.substring(at));
            }
            i = j;
        }
    }

    private static boolean isHan(int c) {
        return c >= 0x4E00 && c <= 0x9FD5;
    }

    private double emit(int state, int c) {
        double[] e = emit.get(c);
        return e == null ? MIN_FLOAT : e[state];
    }

    /** {@code finalseg.__cut} on s[from, to). */
    private void viterbiCut(int[] s, int from, int to, List<String> out) {
        int n = to - from;
        double[] v = new double[4];
        int[][] back = new int[n][4];
        for (int y = 0; y < 4; y++) v[y] = start[y] + emit(y, s[from]);
        for (int t = 1; t < n; t++) {
            double[] nv = new double[4];
            for (int y = 0; y < 4; y++) {
                double em = emit(y, s[from + t]);
                int bestPrev = -1;
                double best = 0;
                for (int y0 : PREV[y]) {
                    double p = v[y0] + trans[y0][y] + em;
                    if (bestPrev < 0 || p > best || (p == best && y0 > bestPrev)) {
                        best = p;
                        bestPrev = y0;
                    }
                }
                nv[y] = best;
                back[t][y] = bestPrev;
            }
            v = nv;
        }
        int state = v[S] >= v[E] ? S : E; // max((V[E], 'E'), (V[S], 'S')): S wins ties
        int[] tags = new int[n];
        for (int t = n - 1; t >= 0; t--) {
            tags[t] = state;
            state = back[t][state];
        }
        int begin = 0, nexti = 0;
        for (int i = 0; i < n; i++) {
            if (tags[i] == B) {
                begin = i;
            } else if (tags[i] == E) {
                out.add(new String(s, from + begin, i + 1 - begin));
                nexti = i + 1;
            } else if (tags[i] == S) {
                out.add(new String(s, from + i, 1));
                nexti = i + 1;
            }
        }
        if (nexti < n) out.add(new String(s, from + nexti, n - nexti));
    }
}
