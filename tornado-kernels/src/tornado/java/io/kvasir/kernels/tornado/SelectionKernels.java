package io.kvasir.kernels.tornado;

import uk.ac.manchester.tornado.api.annotations.Parallel;
import uk.ac.manchester.tornado.api.math.TornadoMath;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/**
 * TornadoVM kernels of the prefill-time selection: observation-window scores (SnapKV, PyramidKV and
 * WindowKV's attention sums), GQA reduction, pooling, top-k with the deterministic tie rule and the
 * compaction of the kept K/V into the cache. Counterparts of {@code ObservationScores},
 * {@code GqaScores}, {@code ScorePooling}, {@code TopK} and {@code KeptPositions} in the compression
 * module.
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
     * Softmax statistics of the last {@code window} rows of a prompt of tokens[0] rows: rowMax/rowSum
     * [heads][window] over the keys each row sees (j <= t). The prompt length is read at run time, so
     * one compiled kernel serves prompts of any length (rows before the prompt's start see no keys).
     * The denominator is summed in double, as {@code ObservationScores} does.
     */
    public static void windowRowStats(FloatArray q, FloatArray k, FloatArray rowMax, FloatArray rowSum,
                                      IntArray tokens, int window, int heads, int kvHeads, int headDim) {
        for (@Parallel int h = 0; h < heads; h++) {
            for (@Parallel int r = 0; r < window; r++) {
                float sqrtD = TornadoMath.sqrt((float) headDim);
                int t = tokens.get(0) - window + r;
                float max = Float.NEGATIVE_INFINITY;
                for (int j = 0; j <= t; j++) {
                    max = Math.max(max, logit(q, k, t, j, h, heads, kvHeads, headDim, sqrtD));
                }
                double sum = 0.0;
                for (int j = 0; j <= t; j++) {
                    sum += (float) TornadoMath.exp((double) (logit(q, k, t, j, h, heads, kvHeads, headDim, sqrtD) - max));
                }
                rowMax.set(h * window + r, max);
                rowSum.set(h * window + r, (float) sum);
            }
        }
    }

    /**
     * out[h][j] (row stride {@code stride}) = sum over the window rows t >= j of softmax_t(j), for the
     * first candidates[0] keys of a prompt of tokens[0] rows; the rest of each row is set to 0.
     */
    public static void windowColumnSums(FloatArray q, FloatArray k, FloatArray rowMax, FloatArray rowSum, FloatArray out,
                                        IntArray tokens, IntArray candidates, int window, int stride, int heads,
                                        int kvHeads, int headDim) {
        for (@Parallel int h = 0; h < heads; h++) {
            for (@Parallel int j = 0; j < stride; j++) {
                float sqrtD = TornadoMath.sqrt((float) headDim);
                float acc = 0f;
                if (j < candidates.get(0)) {
                    for (int r = 0; r < window; r++) {
                        int t = tokens.get(0) - window + r;
                        if (j <= t) {
                            float e = (float) TornadoMath.exp((double) (logit(q, k, t, j, h, heads, kvHeads, headDim, sqrtD)
                                    - rowMax.get(h * window + r)));
                            acc += e / rowSum.get(h * window + r);
                        }
                    }
                }
                out.set(h * stride + j, acc);
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
     * Stride-1 pooling along the first count[0] values of each row of [rows][stride], padding width/2
     * (zeros in the average's divisor). (A parameter named "kernel" would collide with the OpenCL C
     * keyword.)
     */
    public static void pool(FloatArray in, FloatArray out, int rows, IntArray count, int stride, int width, int maxPool) {
        for (@Parallel int s = 0; s < rows; s++) {
            for (@Parallel int j = 0; j < stride; j++) {
                int n = count.get(0);
                if (j < n) {
                    int pad = width / 2;
                    int from = Math.max(0, j - pad);
                    int to = Math.min(n - 1, j + pad);
                    float max = Float.NEGATIVE_INFINITY;
                    float sum = 0f;
                    for (int i = from; i <= to; i++) {
                        float x = in.get(s * stride + i);
                        max = Math.max(max, x);
                        sum += x;
                    }
                    out.set(s * stride + j, maxPool == 1 ? max : sum / width);
                }
            }
        }
    }

    /**
     * flags[s][j] = 1 when candidate j < n[0] is among the {@code count} best of row s (score
     * descending, then position ascending: TopK's rule), else 0; rows have stride {@code stride}.
     * O(n^2) comparisons, all independent.
     */
    public static void topKFlags(FloatArray scores, IntArray flags, int rows, IntArray n, int stride, int count) {
        for (@Parallel int s = 0; s < rows; s++) {
            for (@Parallel int j = 0; j < stride; j++) {
                int candidates = n.get(0);
                int flag = 0;
                if (j < candidates) {
                    float x = scores.get(s * stride + j);
                    int rank = 0;
                    for (int i = 0; i < candidates; i++) {
                        float y = scores.get(s * stride + i);
                        if (y > x || (y == x && i < j)) {
                            rank++;
                        }
                    }
                    flag = rank < count ? 1 : 0;
                }
                flags.set(s * stride + j, flag);
            }
        }
    }

    /**
     * Kept positions per row, ascending: the flagged candidates j < n[0], then positions n[0] ..
     * tokens[0]-1 (the observation window, always kept). flags and kept are [rows][stride];
     * keptLength[s] is the number of row s. With n[0] = 0 every prompt position is kept.
     */
    public static void compactKept(IntArray flags, IntArray kept, IntArray keptLength, int rows, IntArray n,
                                   IntArray tokens, int stride) {
        for (@Parallel int s = 0; s < rows; s++) {
            int c = 0;
            int candidates = n.get(0);
            for (int j = 0; j < candidates; j++) {
                if (flags.get(s * stride + j) == 1) {
                    kept.set(s * stride + c, j);
                    c++;
                }
            }
            for (int p = candidates; p < tokens.get(0); p++) {
                kept.set(s * stride + c, p);
                c++;
            }
            keptLength.set(s, c);
        }
    }

    /**
     * Gathers the kept K/V rows into the cache: entry i of stored head s is the prompt position
     * kept[s][i] (kept is [stored][stride]) of KV head s * kvHeads / stored. Entries past keptLength[s]
     * are left alone.
     */
    public static void gatherKept(FloatArray k, FloatArray v, IntArray kept, IntArray keptLength,
                                  FloatArray keyCache, FloatArray valueCache,
                                  int stored, int kvHeads, int stride, int capacity, int headDim) {
        for (@Parallel int s = 0; s < stored; s++) {
            for (@Parallel int i = 0; i < stride; i++) {
                if (i < keptLength.get(s)) {
                    int src = (kept.get(s * stride + i) * kvHeads + s * kvHeads / stored) * headDim;
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
