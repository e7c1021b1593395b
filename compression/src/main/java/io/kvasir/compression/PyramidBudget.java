package io.kvasir.compression;

/**
 * PyramidKV's per-layer count of selected tokens (docs/methods/pyramidkv.md#budget), integer math as in the
 * reference: lower layers get more, upper layers fewer, and because the step is floored the total
 * exceeds the uniform {@code layers * (budget - window)} by a few percent (docs/methods/pyramidkv.md#budget). The
 * regimes are decided on the nominal budget, as the reference does.
 *
 * @param layers number of decoder layers L
 * @param budget nominal per-layer budget B, window included
 * @param window observation window w
 * @param beta   steepness: the thinnest layer gets about (B - w) / beta (reference default 20)
 */
public record PyramidBudget(int layers, int budget, int window, int beta) {
    public PyramidBudget {
        if (layers < 1 || window < 1 || budget <= window || beta < 1) {
            throw new IllegalArgumentException("pyramid budget needs layers >= 1, window >= 1, budget > window and beta >= 1; got layers "
                    + layers + ", budget " + budget + ", window " + window + ", beta " + beta);
        }
    }

    /**
     * Selected candidates (window excluded) of one layer for a prompt of promptLength tokens.
     * Prompts shorter than the budget are not compressed: the answer is then every candidate.
     * With a single layer the pyramid has no slope and the count is budget - window (the reference
     * divides by zero there).
     */
    public int selected(int layer, int promptLength) {
        int base = budget - window;
        if (promptLength < budget) {
            return Math.max(0, promptLength - window);
        }
        if (promptLength < 2 * base || layers == 1) {
            return base;
        }
        int minN = Math.floorDiv(base, beta);
        int maxN = 2 * base - minN;
        if (maxN >= promptLength - window) {
            maxN = promptLength - window;
            minN = 2 * base - maxN;
        }
        int steps = Math.floorDiv(maxN - minN, layers - 1);
        return maxN - layer * steps;
    }
}
