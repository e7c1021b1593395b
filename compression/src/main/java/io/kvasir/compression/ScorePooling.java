package io.kvasir.compression;

/**
 * 1-D pooling along the candidate axis, stride 1, padding kernel/2 on both sides (docs/methods/snapkv.md#pooling),
 * so the output has the input's length. Only odd kernels: the reference's even kernels produce one
 * extra score and index out of range, so they are rejected rather than guessed at.
 */
public final class ScorePooling {
    private ScorePooling() {}

    /** Pooled copy of scores. */
    public static float[] apply(float[] scores, Pooling pooling, int kernel) {
        checkKernel(kernel);
        if (pooling == Pooling.NONE || kernel == 1) {
            return scores.clone();
        }
        int n = scores.length;
        int pad = kernel / 2;
        float[] out = new float[n];
        for (int j = 0; j < n; j++) {
            int from = Math.max(0, j - pad);
            int to = Math.min(n - 1, j + pad);
            if (pooling == Pooling.MAXPOOL) {
                float max = Float.NEGATIVE_INFINITY;
                for (int i = from; i <= to; i++) {
                    max = Math.max(max, scores[i]);
                }
                out[j] = max;
            } else {
                // Padding counts as zeros in the divisor, so the first and last pad positions are penalised.
                float sum = 0;
                for (int i = from; i <= to; i++) {
                    sum += scores[i];
                }
                out[j] = sum / kernel;
            }
        }
        return out;
    }

    /** Throws unless kernel is odd and at least 1. */
    public static void checkKernel(int kernel) {
        if (kernel < 1 || kernel % 2 == 0) {
            throw new IllegalArgumentException("pooling kernel size must be odd and at least 1, got " + kernel);
        }
    }
}
