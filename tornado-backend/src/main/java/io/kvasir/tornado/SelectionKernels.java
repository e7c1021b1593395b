package io.kvasir.tornado;

import uk.ac.manchester.tornado.api.annotations.Parallel;
import uk.ac.manchester.tornado.api.math.TornadoMath;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/**
 * TornadoVM kernels of the prefill-time selection: observation-window scores (SnapKV, PyramidKV and
 * WindowKV's attention sums), GQA reduction, pooling, WindowKV's per-window scores, top-k with the
 * deterministic tie rule and the compaction of the kept K/V into the cache. Counterparts of
 * {@code ObservationScores}, {@code GqaScores}, {@code ScorePooling}, {@code ReviewWindows},
 * {@code TopK} and {@code KeptPositions} in the compression module.
 */
public final class SelectionKernels {
    /** GQA reductions, as {@code ScoreAggregation}. */
    public static final int AGG_MEAN = 0;
    public static final int AGG_MAX = 1;
    public static final int AGG_SUM = 2;

    private SelectionKernels() {}

    private static float logit(FloatArray q, FloatArray k, int t, int j, int h, int heads, int kvHeads, int headDim,
                               float sqrtD) {
        int qOff = (t * heads + h) * headDim;
        int kOff = (j * kvHeads + h * kvHeads / heads) * headDim;
        float z = 0f;
        for (int d = 0; d < headDim; d++) {
            z += q.get(qOff + d) * k.get(kOff + d);
        }
        return z / sqrtD;
    }

    /**
     * Softmax statistics of the last {@code window} prompt rows: rowMax/rowSum [heads][window] over the
     * keys each row sees (j <= t).
     */
    public static void windowRowStats(FloatArray q, FloatArray k, FloatArray rowMax, FloatArray rowSum,
                                      int tokens, int window, int heads, int kvHeads, int headDim) {
        for (@Parallel int h = 0; h < heads; h++) {
            for (@Parallel int r = 0; r < window; r++) {
                float sqrtD = TornadoMath.sqrt((float) headDim);
                int t = tokens - window + r;
                float max = Float.NEGATIVE_INFINITY;
                for (int j = 0; j <= t; j++) {
                    max = Math.max(max, logit(q, k, t, j, h, heads, kvHeads, headDim, sqrtD));
                }
                float sum = 0f;
                for (int j = 0; j <= t; j++) {
                    sum += (float) TornadoMath.exp((double) (logit(q, k, t, j, h, heads, kvHeads, headDim, sqrtD) - max));
                }
                rowMax.set(h * window + r, max);
                rowSum.set(h * window + r, sum);
            }
        }
    }

    /** out[h][j] = sum over window rows t >= j of softmax_t(j), for the first {@code candidates} keys. */
    public static void windowColumnSums(FloatArray q, FloatArray k, FloatArray rowMax, FloatArray rowSum, FloatArray out,
                                        int tokens, int window, int candidates, int heads, int kvHeads, int headDim) {
        for (@Parallel int h = 0; h < heads; h++) {
            for (@Parallel int j = 0; j < candidates; j++) {
                float sqrtD = TornadoMath.sqrt((float) headDim);
                float acc = 0f;
                for (int r = 0; r < window; r++) {
                    int t = tokens - window + r;
                    if (j <= t) {
                        float e = (float) TornadoMath.exp((double) (logit(q, k, t, j, h, heads, kvHeads, headDim, sqrtD)
                                - rowMax.get(h * window + r)));
                        acc += e / rowSum.get(h * window + r);
                    }
                }
                out.set(h * candidates + j, acc);
            }
        }
    }

    /** Query-head rows [heads][n] reduced to stored-head rows [stored][n]; stored == heads copies. */
    public static void gqaReduce(FloatArray in, FloatArray out, int heads, int stored, int n, int aggregation) {
        for (@Parallel int s = 0; s < stored; s++) {
            for (@Parallel int j = 0; j < n; j++) {
                int group = heads / stored;
                float acc = in.get(s * group * n + j);
                for (int g = 1; g < group; g++) {
                    float x = in.get((s * group + g) * n + j);
                    acc = aggregation == AGG_MAX ? Math.max(acc, x) : acc + x;
                }
                out.set(s * n + j, aggregation == AGG_MEAN ? acc / group : acc);
            }
        }
    }

    /**
     * Stride-1 pooling along each row of [rows][n], padding width/2 (zeros in the average's divisor).
     * (A parameter named "kernel" would collide with the OpenCL C keyword.)
     */
    public static void pool(FloatArray in, FloatArray out, int rows, int n, int width, int maxPool) {
        for (@Parallel int s = 0; s < rows; s++) {
            for (@Parallel int j = 0; j < n; j++) {
                int pad = width / 2;
                int from = Math.max(0, j - pad);
                int to = Math.min(n - 1, j + pad);
                float max = Float.NEGATIVE_INFINITY;
                float sum = 0f;
                for (int i = from; i <= to; i++) {
                    float x = in.get(s * n + i);
                    max = Math.max(max, x);
                    sum += x;
                }
                out.set(s * n + j, maxPool == 1 ? max : sum / width);
            }
        }
    }

    /**
     * WindowKV window scores over attention [heads][reviewLength]: AVERAGE (maxStrategy 0) is the mean
     * over heads and the window's tokens; MAX (1) the mean over heads of each head's top
     * min(w/2, |window|) values. A value counts among the top k when fewer than k values of its window
     * rank above it (larger, or equal at a lower index): no sort, no local arrays.
     */
    public static void windowScores(FloatArray attention, FloatArray scores, int heads, int reviewLength, int w,
                                    int maxStrategy) {
        int windows = (reviewLength + w - 1) / w;
        for (@Parallel int m = 0; m < windows; m++) {
            int from = m * w;
            int len = Math.min(w, reviewLength - from);
            int k = maxStrategy == 1 ? Math.min(w / 2, len) : len;
            float sum = 0f;
            for (int h = 0; h < heads; h++) {
                int base = h * reviewLength + from;
                for (int i = 0; i < len; i++) {
                    float x = attention.get(base + i);
                    int above = 0;
                    if (maxStrategy == 1) {
                        for (int o = 0; o < len; o++) {
                            float y = attention.get(base + o);
                            if (y > x || (y == x && o < i)) {
                                above++;
                            }
                        }
                    }
                    if (above < k) {
                        sum += x;
                    }
                }
            }
            scores.set(m, sum / ((float) heads * k));
        }
    }

    /**
     * flags[s][j] = 1 when candidate j is among the {@code count} best of row s (score descending,
     * then position ascending: TopK's rule), else 0. O(n^2) comparisons, all independent.
     */
    public static void topKFlags(FloatArray scores, IntArray flags, int rows, int n, int count) {
        for (@Parallel int s = 0; s < rows; s++) {
            for (@Parallel int j = 0; j < n; j++) {
                float x = scores.get(s * n + j);
                int rank = 0;
                for (int i = 0; i < n; i++) {
                    float y = scores.get(s * n + i);
                    if (y > x || (y == x && i < j)) {
                        rank++;
                    }
                }
                flags.set(s * n + j, rank < count ? 1 : 0);
            }
        }
    }

    /**
     * Kept positions per row, ascending: the flagged candidates j < n, then positions n .. tokens-1
     * (the observation window, always kept). kept is [rows][tokens]; keptLength[s] their number.
     */
    public static void compactKept(IntArray flags, IntArray kept, IntArray keptLength, int rows, int n, int tokens) {
        for (@Parallel int s = 0; s < rows; s++) {
            int c = 0;
            for (int j = 0; j < n; j++) {
                if (flags.get(s * n + j) == 1) {
                    kept.set(s * tokens + c, j);
                    c++;
                }
            }
            for (int p = n; p < tokens; p++) {
                kept.set(s * tokens + c, p);
                c++;
            }
            keptLength.set(s, c);
        }
    }

    /**
     * Gathers the kept K/V rows into the cache: entry i of stored head s is the prompt position
     * kept[s][i] of KV head s * kvHeads / stored. Entries past keptLength[s] are left alone.
     */
    public static void gatherKept(FloatArray k, FloatArray v, IntArray kept, IntArray keptLength,
                                  FloatArray keyCache, FloatArray valueCache,
                                  int stored, int kvHeads, int tokens, int capacity, int headDim) {
        for (@Parallel int s = 0; s < stored; s++) {
            for (@Parallel int i = 0; i < tokens; i++) {
                if (i < keptLength.get(s)) {
                    int src = (kept.get(s * tokens + i) * kvHeads + s * kvHeads / stored) * headDim;
                    int dst = (s * capacity + i) * headDim;
                    for (int d = 0; d < headDim; d++) {
                        keyCache.set(dst + d, k.get(src + d));
                        valueCache.set(dst + d, v.get(src + d));
                    }
                }
            }
        }
    }
}
