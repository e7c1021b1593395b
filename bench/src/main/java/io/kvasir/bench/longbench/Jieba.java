package io.kvasir.bench.longbench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * Chinese word segmentation as Python jieba 0.42.1 {@code jieba.cut(s, cut_all=False, HMM=True)} does it,
 * which LongBench's qa_f1_zh and rouge_zh metrics use. Same dictionary (jieba's dict.txt, a resource),
 * same prefix dictionary, DAG, maximum log-probability route, and HMM ({@link JiebaHmm}) for runs of
 * single characters that do not form a dictionary word. Strings are indexed by code point, as in Python.
 */
public final class Jieba {
    private static final String RESOURCES = "/io/kvasir/bench/longbench/jieba/";

    private final Map<String, Integer> freq;
    private final double logTotal;
    private final JiebaHmm hmm;

    private Jieba(Map<String, Integer> freq, long total, JiebaHmm hmm) {
        this.freq = freq;
        this.logTotal = Math.log(total);
        this.hmm = hmm;
    }

    /** The default jieba model, loaded once (about 1 s: 349k dictionary lines). */
    public static Jieba standard() {
        return Holder.INSTANCE;
    }

    private static final class Holder {
        static final Jieba INSTANCE = load();
    }

    private static Jieba load() {
        // gen_pfdict: every word with its frequency, every proper prefix not itself a word with 0.
        Map<String, Integer> freq = new HashMap<>(1 << 20);
        long total = 0;
        try (BufferedReader r = gzipLines("dict.txt.gz")) {
            for (String line; (line = r.readLine()) != null; ) {
                String[] parts = line.strip().split(" ");
                String word = parts[0];
                int f = Integer.parseInt(parts[1]);
                freq.put(word, f);
                total += f;
                int[] cps = word.codePoints().toArray();
                for (int n = 1; n < cps.length; n++) freq.putIfAbsent(new String(cps, 0, n), 0);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Jieba(freq, total, JiebaHmm.load(gzipLines("hmm.tsv.gz")));
    }

    static BufferedReader gzipLines(String name) {
        InputStream in = Jieba.class.getResourceAsStream(RESOURCES + name);
        if (in == null) throw new IllegalStateException("missing resource " + RESOURCES + name);
        try {
            return new BufferedReader(new InputStreamReader(new GZIPInputStream(in, 1 << 16), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code list(jieba.cut(text, cut_all=False))}. */
    public List<String> cut(String text) {
        int[] s = text.codePoints().toArray();
        List<String> out = new ArrayList<>();
        int i = 0;
        while (i < s.length) {
            int j = i;
            if (isHanDefault(s[i])) {
                while (j < s.length && isHanDefault(s[j])) j++;
                cutDag(s, i, j, out);
            } else {
                // re_skip_default "(\r\n|\s)" splits; in precise mode every other character is its own token.
                while (j < s.length && !isHanDefault(s[j])) {
                    int len = s[j] == '\r' && j + 1 < s.length && s[j + 1] == '\n' ? 2 : 1;
                    out.add(new String(s, j, len));
                    j += len;
                }
            }
            i = j;
        }
        return out;
    }

    /** re_han_default {@code [\u4E00-\u9FD5a-zA-Z0-9+#&\._%\-]}. */
    static boolean isHanDefault(int c) {
        return (c >= 0x4E00 && c <= 0x9FD5) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
                || (c >= '0' && c <= '9') || "+#&._%-".indexOf(c) >= 0;
    }

    /** {@code __cut_DAG} on s[from, to): route words, with runs of single characters handed to the HMM. */
    private void cutDag(int[] s, int from, int to, List<String> out) {
        int[] next = route(s, from, to);
        StringBuilder buf = new StringBuilder();
        int bufLen = 0;
        for (int x = from; x < to; ) {
            int y = next[x - from];
            if (y - x == 1) {
                buf.appendCodePoint(s[x]);
                bufLen++;
            } else {
                flush(buf, bufLen, out);
                buf.setLength(0);
                bufLen = 0;
                out.add(new String(s, x, y - x));
            }
            x = y;
        }
        flush(buf, bufLen, out);
    }

    private void flush(StringBuilder buf, int bufLen, List<String> out) {
        if (bufLen == 0) return;
        String b = buf.toString();
        if (bufLen == 1) {
            out.add(b);
        } else if (freq.getOrDefault(b, 0) == 0) {
            hmm.cut(b, out);
        } else {
            b.codePoints().forEach(cp -> out.add(Character.toString(cp)));
        }
    }

    /**
     * {@code get_DAG} + {@code calc}: for each start, the end (exclusive) of the word on the most probable
     * route. Ties go to the longer word, as Python's max over (logprob, end) tuples does.
     */
    private int[] route(int[] s, int from, int to) {
        int n = to - from;
        double[] best = new double[n + 1];
        int[] next = new int[n];
        for (int k = n - 1; k >= 0; k--) {
            double bestProb = Double.NEGATIVE_INFINITY;
            int bestEnd = -1;
            boolean any = false;
            for (int i = k; i < n; i++) {
                Integer f = freq.get(new String(s, from + k, i - k + 1));
                if (f == null) break;
                if (f > 0) {
                    any = true;
                    double p = Math.log(f) - logTotal + best[i + 1];
                    if (p >= bestProb) {
                        bestProb = p;
                        bestEnd = i;
                    }
                }
            }
            if (!any) { // the DAG's fallback edge: the single character, its frequency 0 read as 1 (log 1 = 0)
                bestProb = 0.0 - logTotal + best[k + 1];
                bestEnd = k;
            }
            best[k] = bestProb;
            next[k] = from + bestEnd + 1;
        }
        return next;
    }
}
