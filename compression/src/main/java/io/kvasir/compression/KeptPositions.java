package io.kvasir.compression;

import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * Builders for the policies' answers: per stored head, prompt positions, ascending, or in the
 * reference's cache order ({@link CompressionPolicy#selectInCacheOrder}).
 */
public final class KeptPositions {
    private KeptPositions() {}

    /** Every stored head keeps the whole prompt: the no-compression answer for short prompts. */
    public static int[][] all(KvLayout layout, int promptLength) {
        return same(layout, IntStream.range(0, promptLength).toArray());
    }

    /** Every stored head keeps the same positions (copies, so callers may not alias each other). */
    public static int[][] same(KvLayout layout, int[] positions) {
        int[][] kept = new int[layout.storedHeads()][];
        for (int s = 0; s < kept.length; s++) {
            kept[s] = positions.clone();
        }
        return kept;
    }

    /** Each row sorted ascending (copies). */
    public static int[][] ascending(int[][] kept) {
        int[][] out = new int[kept.length][];
        for (int s = 0; s < kept.length; s++) {
            out[s] = kept[s].clone();
            Arrays.sort(out[s]);
        }
        return out;
    }

    /**
     * Selected candidate positions (all below promptLength - window, in the caller's order) followed
     * by the last window positions, which the window methods always keep.
     */
    public static int[] withWindow(int[] selected, int promptLength, int window) {
        int[] kept = Arrays.copyOf(selected, selected.length + window);
        for (int i = 0; i < window; i++) {
            kept[selected.length + i] = promptLength - window + i;
        }
        return kept;
    }
}
