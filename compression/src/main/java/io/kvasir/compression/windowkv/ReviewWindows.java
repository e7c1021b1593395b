package io.kvasir.compression.windowkv;

import io.kvasir.compression.ObservationScores;
import java.util.Arrays;

/**
 * Tiling of the review region and the per-window score (docs/methods/windowkv.md#review-windows-and-scores). The review region
 * {@code [0, L)} is cut from position 0 into windows of w tokens, so only the last window can be
 * partial, right before the observation window. One scalar per window, shared by all heads.
 */
public final class ReviewWindows {
    private ReviewWindows() {}

    /** Number of windows, ceil(L / w). */
    public static int count(int reviewLength, int w) {
        return Math.ceilDiv(reviewLength, w);
    }

    /** First position of window m. */
    public static int start(int m, int w) {
        return m * w;
    }

    /** Positions in window m: w, or L mod w for a partial last window. */
    public static int length(int m, int reviewLength, int w) {
        return Math.min(w, reviewLength - m * w);
    }

    /**
     * Window scores S_m.
     *
     * @param attention     A[h][j]: attention each review token received from the observation window,
     *                      per query head (all query heads of the layer), j in [0, L)
     * @param reviewLength  L
     * @param w             review-window size
     * @param strategy      AVERAGE: mean over heads and the window's tokens, so a partial window is
     *                      averaged over its own length; MAX: mean over heads of each head's top
     *                      min(floor(w/2), |window|) values
     * @param fp16Emulation round each score to fp16, as the reference's fp16 window means are
     */
    public static float[] scores(float[][] attention, int reviewLength, int w, WindowStrategy strategy,
                                 boolean fp16Emulation) {
        int n = count(reviewLength, w);
        int heads = attention.length;
        float[] scores = new float[n];
        float[] window = new float[w];
        for (int m = 0; m < n; m++) {
            int from = start(m, w);
            int len = length(m, reviewLength, w);
            int k = strategy == WindowStrategy.MAX ? Math.min(w / 2, len) : len;
            double sum = 0;
            for (float[] head : attention) {
                if (strategy == WindowStrategy.MAX) {
                    System.arraycopy(head, from, window, 0, len);
                    Arrays.sort(window, 0, len);
                    for (int i = len - k; i < len; i++) {
                        sum += window[i];
                    }
                } else {
                    for (int j = from; j < from + len; j++) {
                        sum += head[j];
                    }
                }
            }
            float score = (float) (sum / ((double) heads * k));
            scores[m] = fp16Emulation ? ObservationScores.toHalf(score) : score;
        }
        return scores;
    }
}
