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

    /**
     * out[t*rows + r] = row r . x[t*cols ..] as one float multiply-add chain in column order: the
     * exact rounding of the prefill GEMM, whatever its tiling (it never splits a sum).
     */
    public static void matmulInColumnOrder(WeightMatrix w, float[] x, int tokens, float[] out) {
        for (int t = 0; t < tokens; t++) {
            for (int r = 0; r < w.rows(); r++) {
                float s = 0f;
                for (int c = 0; c < w.cols(); c++) {
                    s = Math.fma(w.get(r, c), x[t * w.cols() + c], s);
                }
                out[t * w.rows() + r] = s;
            }
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

    /**
     * Attention of one query over n cached entries: softmax(scale * q . k_i) weighted sum of v_i.
     * keys and values are [n][d] from offset 0 (d = q.length).
     */
    public static float[] attend(float[] q, float[] keys, float[] values, int n, double scale) {
        int d = q.length;
        double[] z = new double[n];
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int c = 0; c < d; c++) {
                s += (double) q[c] * keys[i * d + c];
            }
            z[i] = s * scale;
            max = Math.max(max, z[i]);
        }
        double sum = 0;
        for (int i = 0; i < n; i++) {
            z[i] = Math.exp(z[i] - max);
            sum += z[i];
        }
        float[] out = new float[d];
        for (int c = 0; c < d; c++) {
            double acc = 0;
            for (int i = 0; i < n; i++) {
                acc += z[i] / sum * values[i * d + c];
            }
            out[c] = (float) acc;
        }
        return out;
    }

    /**
     * Causal prompt attention with GQA (query head h reads KV head h * kvHeads / heads) and the
     * attention mass each key receives, summed over queries: q [T][heads][d], k and v [T][kvHeads][d],
     * out [T][heads][d], mass [heads][T] (or null).
     */
    public static void causalAttention(float[] q, float[] k, float[] v, int tokens, int heads, int kvHeads, int d,
                                       float[] out, float[] mass) {
        double scale = 1.0 / Math.sqrt(d);
        for (int h = 0; h < heads; h++) {
            int g = h * kvHeads / heads;
            for (int t = 0; t < tokens; t++) {
                double[] z = new double[t + 1];
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j <= t; j++) {
                    double s = 0;
                    for (int c = 0; c < d; c++) {
                        s += (double) q[(t * heads + h) * d + c] * k[(j * kvHeads + g) * d + c];
                    }
                    z[j] = s * scale;
                    max = Math.max(max, z[j]);
                }
                double sum = 0;
                for (int j = 0; j <= t; j++) {
                    z[j] = Math.exp(z[j] - max);
                    sum += z[j];
                }
                for (int c = 0; c < d; c++) {
                    double acc = 0;
                    for (int j = 0; j <= t; j++) {
                        acc += z[j] / sum * v[(j * kvHeads + g) * d + c];
                    }
                    out[(t * heads + h) * d + c] = (float) acc;
                }
                if (mass != null) {
                    for (int j = 0; j <= t; j++) {
                        mass[h * tokens + j] += (float) (z[j] / sum);
                    }
                }
            }
        }
    }
}
