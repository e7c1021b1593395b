package io.kvasir.model;

/** float32 log-softmax and the best entries of it. */
public final class LogProbs {
    private LogProbs() {}

    /** log_softmax(logits) in float32, as torch computes it: x - max - log(sum(exp(x - max))). */
    public static float[] of(float[] logits) {
        float max = Float.NEGATIVE_INFINITY;
        for (float v : logits) {
            max = Math.max(max, v);
        }
        double sum = 0;
        for (float v : logits) {
            sum += Math.exp(v - max);
        }
        float logSum = (float) Math.log(sum);
        float[] out = new float[logits.length];
        for (int i = 0; i < logits.length; i++) {
            out[i] = (logits[i] - max) - logSum;
        }
        return out;
    }

    /** The k best ids, best first (lower id first among equals). */
    public static int[] topIds(float[] values, int k) {
        int m = Math.min(k, values.length);
        int[] best = new int[m];
        int filled = 0;
        for (int i = 0; i < values.length; i++) {
            if (filled < m) {
                best[filled++] = i;
            } else if (values[i] > values[best[m - 1]]) {
                best[m - 1] = i;
            } else {
                continue;
            }
            // insertion step keeps best[] sorted by value descending, stable for equal values
            for (int j = filled - 1; j > 0 && values[best[j]] > values[best[j - 1]]; j--) {
                int tmp = best[j];
                best[j] = best[j - 1];
                best[j - 1] = tmp;
            }
        }
        return best;
    }
}
