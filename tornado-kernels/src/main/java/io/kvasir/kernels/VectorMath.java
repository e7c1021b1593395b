package io.kvasir.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** Float32 vector primitives on arrays (Vector API, with a scalar tail). */
public final class VectorMath {
    static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;

    private VectorMath() {}

    /** Sum over i of a[aOff+i] * b[bOff+i], i in [0, n). */
    public static float dot(float[] a, int aOff, float[] b, int bOff, int n) {
        int i = 0;
        int step = F.length();
        FloatVector acc0 = FloatVector.zero(F);
        FloatVector acc1 = FloatVector.zero(F);
        for (; i + 2 * step <= n; i += 2 * step) {
            acc0 = FloatVector.fromArray(F, a, aOff + i).fma(FloatVector.fromArray(F, b, bOff + i), acc0);
            acc1 = FloatVector.fromArray(F, a, aOff + i + step).fma(FloatVector.fromArray(F, b, bOff + i + step), acc1);
        }
        for (; i + step <= n; i += step) {
            acc0 = FloatVector.fromArray(F, a, aOff + i).fma(FloatVector.fromArray(F, b, bOff + i), acc0);
        }
        float sum = acc0.add(acc1).reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            sum += a[aOff + i] * b[bOff + i];
        }
        return sum;
    }

    /**
     * Four dot products sharing one x: out[outOff+i] = w[i*n .. i*n+n) . x[xOff ..], i in 0..3.
     * Loading x once for four rows halves the loads per multiply-add of the batched matmul.
     */
    static void dot4(float[] w, int n, float[] x, int xOff, float[] out, int outOff) {
        int i = 0;
        int step = F.length();
        FloatVector a0 = FloatVector.zero(F);
        FloatVector a1 = FloatVector.zero(F);
        FloatVector a2 = FloatVector.zero(F);
        FloatVector a3 = FloatVector.zero(F);
        for (; i + step <= n; i += step) {
            FloatVector xv = FloatVector.fromArray(F, x, xOff + i);
            a0 = FloatVector.fromArray(F, w, i).fma(xv, a0);
            a1 = FloatVector.fromArray(F, w, n + i).fma(xv, a1);
            a2 = FloatVector.fromArray(F, w, 2 * n + i).fma(xv, a2);
            a3 = FloatVector.fromArray(F, w, 3 * n + i).fma(xv, a3);
        }
        float s0 = a0.reduceLanes(VectorOperators.ADD);
        float s1 = a1.reduceLanes(VectorOperators.ADD);
        float s2 = a2.reduceLanes(VectorOperators.ADD);
        float s3 = a3.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            float xi = x[xOff + i];
            s0 += w[i] * xi;
            s1 += w[n + i] * xi;
            s2 += w[2 * n + i] * xi;
            s3 += w[3 * n + i] * xi;
        }
        out[outOff] = s0;
        out[outOff + 1] = s1;
        out[outOff + 2] = s2;
        out[outOff + 3] = s3;
    }

    /**
     * Eight dot products: four weight rows (w[i*n ..]) against two token rows x0 and x1. Register
     * blocking: each loaded weight vector feeds two multiply-adds and each x vector four, so the
     * batched matmul is bound by arithmetic rather than by loads. Results go to out0[off0 + i] and
     * out1[off1 + i].
     */
    static void dot4x2(float[] w, int n, float[] x, int x0, int x1, float[] out, int off0, int off1) {
        int i = 0;
        int step = F.length();
        FloatVector a0 = FloatVector.zero(F);
        FloatVector a1 = FloatVector.zero(F);
        FloatVector a2 = FloatVector.zero(F);
        FloatVector a3 = FloatVector.zero(F);
        FloatVector b0 = FloatVector.zero(F);
        FloatVector b1 = FloatVector.zero(F);
        FloatVector b2 = FloatVector.zero(F);
        FloatVector b3 = FloatVector.zero(F);
        for (; i + step <= n; i += step) {
            FloatVector xa = FloatVector.fromArray(F, x, x0 + i);
            FloatVector xb = FloatVector.fromArray(F, x, x1 + i);
            FloatVector w0 = FloatVector.fromArray(F, w, i);
            FloatVector w1 = FloatVector.fromArray(F, w, n + i);
            FloatVector w2 = FloatVector.fromArray(F, w, 2 * n + i);
            FloatVector w3 = FloatVector.fromArray(F, w, 3 * n + i);
            a0 = w0.fma(xa, a0);
            b0 = w0.fma(xb, b0);
            a1 = w1.fma(xa, a1);
            b1 = w1.fma(xb, b1);
            a2 = w2.fma(xa, a2);
            b2 = w2.fma(xb, b2);
            a3 = w3.fma(xa, a3);
            b3 = w3.fma(xb, b3);
        }
        float[] s = {a0.reduceLanes(VectorOperators.ADD), a1.reduceLanes(VectorOperators.ADD),
            a2.reduceLanes(VectorOperators.ADD), a3.reduceLanes(VectorOperators.ADD),
            b0.reduceLanes(VectorOperators.ADD), b1.reduceLanes(VectorOperators.ADD),
            b2.reduceLanes(VectorOperators.ADD), b3.reduceLanes(VectorOperators.ADD)};
        for (; i < n; i++) {
            float xai = x[x0 + i];
            float xbi = x[x1 + i];
            for (int r = 0; r < 4; r++) {
                s[r] += w[r * n + i] * xai;
                s[4 + r] += w[r * n + i] * xbi;
            }
        }
        for (int r = 0; r < 4; r++) {
            out[off0 + r] = s[r];
            out[off1 + r] = s[4 + r];
        }
    }

    /** out[outOff+i] += w * x[xOff+i]. */
    public static void axpy(float w, float[] x, int xOff, float[] out, int outOff, int n) {
        int i = 0;
        int step = F.length();
        FloatVector wv = FloatVector.broadcast(F, w);
        for (; i + step <= n; i += step) {
            FloatVector.fromArray(F, x, xOff + i).fma(wv, FloatVector.fromArray(F, out, outOff + i))
                    .intoArray(out, outOff + i);
        }
        for (; i < n; i++) {
            out[outOff + i] += w * x[xOff + i];
        }
    }

    /** out = x * weight / sqrt(mean(x^2) + eps), for one row of length n. */
    public static void rmsNorm(float[] x, int xOff, float[] weight, float eps, float[] out, int outOff, int n) {
        float ss = dot(x, xOff, x, xOff, n);
        float scale = (float) (1.0 / Math.sqrt(ss / n + eps));
        for (int i = 0; i < n; i++) {
            out[outOff + i] = weight[i] * (scale * x[xOff + i]);
        }
    }

    /** In-place softmax of x[off, off+n). Returns nothing; max-subtracted for stability. */
    public static void softmax(float[] x, int off, int n) {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            max = Math.max(max, x[off + i]);
        }
        float sum = 0f;
        for (int i = 0; i < n; i++) {
            float e = (float) Math.exp(x[off + i] - max);
            x[off + i] = e;
            sum += e;
        }
        float inv = 1f / sum;
        for (int i = 0; i < n; i++) {
            x[off + i] *= inv;
        }
    }

    /** SwiGLU: gate[i] = silu(gate[i]) * up[i]. */
    public static void swiglu(float[] gate, float[] up, int n) {
        for (int i = 0; i < n; i++) {
            float g = gate[i];
            gate[i] = (float) (g / (1.0 + Math.exp(-g))) * up[i];
        }
    }
}
