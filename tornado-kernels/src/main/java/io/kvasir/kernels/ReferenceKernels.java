package io.kvasir.kernels;

/**
 * Scalar reference kernels: the plainest loops that compute each operation, in double where that
 * costs nothing. They are the specification the vector (and, later, TornadoVM) kernels are tested
 * against; nothing in the engine calls them on a hot path.
 */
public final class ReferenceKernels {
    private ReferenceKernels() {}

    /** out[r] = sum_c w(r, c) * x[c]. */
    public static void matvec(WeightMatrix w, float[] x, float[] out) {
        for (int r = 0; r < w.rows(); r++) {
            double s = 0;
            for (int c = 0; c < w.cols(); c++) {
                s += (double) w.get(r, c) * x[c];
            }
            out[r] = (float) s;
        }
    }

    /** RMSNorm of one row: weight * x / sqrt(mean(x^2) + eps). */
    public static void rmsNorm(float[] x, float[] weight, double eps, float[] out) {
        double ss = 0;
        for (float v : x) {
            ss += (double) v * v;
        }
        double scale = 1.0 / Math.sqrt(ss / x.length + eps);
        for (int i = 0; i < x.length; i++) {
            out[i] = (float) (weight[i] * (x[i] * scale));
        }
    }

    /** Softmax of x. */
    public static float[] softmax(float[] x) {
        double max = Double.NEGATIVE_INFINITY;
        for (float v : x) {
            max = Math.max(max, v);
        }
        double sum = 0;
        double[] e = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            e[i] = Math.exp(x[i] - max);
            sum += e[i];
        }
        float[] out = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = (float) (e[i] / sum);
        }
        return out;
    }

    /** Rotate-half RoPE of one head vector at a position, given its inverse frequencies. */
    public static float[] rope(float[] x, int position, float[] invFreq) {
        int half = x.length / 2;
        float[] out = new float[x.length];
        for (int i = 0; i < half; i++) {
            double angle = (double) position * invFreq[i];
            out[i] = (float) (x[i] * Math.cos(angle) - x[i + half] * Math.sin(angle));
            out[i + half] = (float) (x[i + half] * Math.cos(angle) + x[i] * Math.sin(angle));
        }
        return out;
    }
}
