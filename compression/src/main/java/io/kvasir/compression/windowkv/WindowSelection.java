package io.kvasir.compression.windowkv;

import io.kvasir.compression.TopK;
import java.util.Arrays;

/**
 * Which review windows a leader layer keeps (docs/methods/windowkv.md#how-many-windows) and the positions they
 * stand for.
 * Windows are ranked by score, descending, ties to the lower index (the reference's stable sort).
 */
public final class WindowSelection {
    private WindowSelection() {}

    /**
     * Windows kept under budget B by the reference rule: drop ceil((L - B) / w) whole windows as if
     * each held w tokens. Dropping the partial window frees only L mod w tokens, so the kept review
     * tokens can exceed B by up to w - 1 (docs/methods/windowkv.md#how-many-windows); that soft budget is what the paper ran.
     * All windows when L <= B.
     */
    public static int keepCount(int reviewLength, int w, int budget) {
        int windows = ReviewWindows.count(reviewLength, w);
        if (reviewLength <= budget) {
            return windows;
        }
        return windows - Math.ceilDiv(reviewLength - budget, w);
    }

    /** The first {@code keep} windows in rank order, ascending by index. */
    public static int[] best(float[] scores, int keep) {
        return TopK.select(scores, keep);
    }

    /**
     * Strict-budget variant (docs/methods/windowkv.md#how-many-windows, off by default): walk the windows in rank order and keep each
     * one whose actual length still fits in B, so kept review tokens never exceed B.
     */
    public static int[] bestWithin(float[] scores, int reviewLength, int w, int budget) {
        int[] kept = new int[scores.length];
        int count = 0;
        int used = 0;
        for (int m : TopK.rank(scores)) {
            int len = ReviewWindows.length(m, reviewLength, w);
            if (used + len <= budget) {
                kept[count++] = m;
                used += len;
            }
        }
        int[] result = Arrays.copyOf(kept, count);
        Arrays.sort(result);
        return result;
    }

    /**
     * Ascending positions of the given windows (ascending indices), then the observation window
     * [L, T). The reference concatenates in rank order; attention over a cache does not depend on
     * order, so positions are stored ascending (docs/methods/common.md#positions-and-decode).
     */
    public static int[] positions(int[] windows, int reviewLength, int w, int promptLength) {
        int total = promptLength - reviewLength;
        for (int m : windows) {
            total += ReviewWindows.length(m, reviewLength, w);
        }
        int[] out = new int[total];
        int i = 0;
        for (int m : windows) {
            int from = ReviewWindows.start(m, w);
            for (int j = 0; j < ReviewWindows.length(m, reviewLength, w); j++) {
                out[i++] = from + j;
            }
        }
        for (int p = reviewLength; p < promptLength; p++) {
            out[i++] = p;
        }
        return out;
    }
}
