package io.kvasir.model;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Picks token ids from logits: greedy, or temperature then top-k then top-p, drawing from a
 * generator seeded once so that the same seed gives the same text.
 */
public final class Sampler {
    private final SamplingSettings settings;
    private final SplittableRandom random;

    public Sampler(SamplingSettings settings) {
        this.settings = settings;
        this.random = new SplittableRandom(settings.seed());
    }

    public int sample(float[] logits) {
        if (settings.greedy()) {
            return argmax(logits);
        }
        int n = logits.length;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        // Highest logit first, lower id first among equals: a deterministic order for the cut-offs.
        Arrays.sort(order, (a, b) -> logits[a] != logits[b] ? Float.compare(logits[b], logits[a]) : Integer.compare(a, b));
        int keep = settings.topK() > 0 ? Math.min(settings.topK(), n) : n;
        double max = logits[order[0]];
        double[] p = new double[keep];
        double sum = 0;
        for (int i = 0; i < keep; i++) {
            p[i] = Math.exp((logits[order[i]] - max) / settings.temperature());
            sum += p[i];
        }
        if (settings.topP() < 1) {
            // Smallest prefix whose probability reaches top-p (always at least one token).
            double cumulative = 0;
            int cut = keep;
            for (int i = 0; i < keep; i++) {
                cumulative += p[i] / sum;
                if (cumulative >= settings.topP()) {
                    cut = i + 1;
                    break;
                }
            }
            keep = cut;
            sum = 0;
            for (int i = 0; i < keep; i++) {
                sum += p[i];
            }
        }
        double r = random.nextDouble() * sum;
        for (int i = 0; i < keep; i++) {
            r -= p[i];
            if (r < 0) {
                return order[i];
            }
        }
        return order[keep - 1];
    }

    /** Index of the largest value; the lowest index wins ties. */
    public static int argmax(float[] x) {
        int best = 0;
        for (int i = 1; i < x.length; i++) {
            if (x[i] > x[best]) {
                best = i;
            }
        }
        return best;
    }
}
