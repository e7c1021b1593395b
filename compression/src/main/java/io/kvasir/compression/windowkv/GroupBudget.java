package io.kvasir.compression.windowkv;

import java.util.Arrays;

/**
 * WindowKV's review-token budget per layer (docs/methods/windowkv.md#budget): an arithmetic pyramid over groups of
 * {@code sharedLayers} consecutive layers, constant inside a group so that a group's followers can
 * reuse their leader's windows. The budget excludes the observation window, which comes on top.
 * All divisions are floors, and the deepest group's budget is set explicitly rather than continued
 * from the step, as in the reference.
 *
 * @param layers       decoder layers N
 * @param sharedLayers layers per group G; must divide N
 * @param meanBudget   M, the mean review-token budget per layer (max_capacity_prompt)
 * @param beta         pyramid steepness: the deepest group gets floor(M * G / beta)
 */
public record GroupBudget(int layers, int sharedLayers, int meanBudget, int beta) {
    public GroupBudget {
        if (sharedLayers < 1 || layers < 1 || layers % sharedLayers != 0) {
            throw new IllegalArgumentException("windowkv shared-layers (" + sharedLayers
                    + ") must divide the model's layer count (" + layers + ")");
        }
        if (meanBudget < 0 || beta < 1) {
            throw new IllegalArgumentException("windowkv needs budget >= 0 and beta >= 1, got budget " + meanBudget
                    + ", beta " + beta);
        }
    }

    /** Number of layer groups. */
    public int groupCount() {
        return layers / sharedLayers;
    }

    /**
     * Budget of each group, shallowest first. A single group gets the uniform budget M (the
     * reference divides by zero there; docs/methods/windowkv.md#differences-from-the-reference).
     */
    public int[] groups() {
        int count = groupCount();
        if (count == 1) {
            return new int[] {meanBudget};
        }
        long last = Math.floorDiv((long) meanBudget * sharedLayers, beta);
        long first = 2L * meanBudget - last;
        long step = Math.floorDiv(first - last, count - 1);
        int[] budgets = new int[count];
        for (int g = 0; g < count - 1; g++) {
            budgets[g] = Math.toIntExact(first - g * step);
        }
        budgets[count - 1] = Math.toIntExact(last);
        return budgets;
    }

    /** Budget of every layer, B_l = groups()[l / G]. */
    public int[] perLayer() {
        int[] groups = groups();
        int[] out = new int[layers];
        Arrays.setAll(out, l -> groups[l / sharedLayers]);
        return out;
    }

    /** Whether the "pyramid" inverts (deeper groups get more) because G >= beta (docs/methods/windowkv.md#budget). */
    public boolean inverted() {
        return groupCount() > 1 && sharedLayers >= beta;
    }
}
