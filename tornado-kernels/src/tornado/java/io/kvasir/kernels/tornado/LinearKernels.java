package io.kvasir.kernels.tornado;

import uk.ac.manchester.tornado.api.annotations.Parallel;
import uk.ac.manchester.tornado.api.math.TornadoMath;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;
import uk.ac.manchester.tornado.api.types.arrays.ShortArray;

/**
 * TornadoVM kernels of the dense part of a layer: RMSNorm, matrix-vector and matrix-matrix products
 * for f32, f16 and bf16 weights, bias, residual and SwiGLU. Counterparts of
 * {@link io.kvasir.kernels.ReferenceKernels} and {@link io.kvasir.kernels.VectorMath}.
 *
 * <p>16-bit weights stay in a {@link ShortArray} of raw bits and are widened inside the dot product
 * ({@link HalfBits}), so the kernels need no fp16 support from the device (PoCL has none).
 * Each output element is one work item with a sequential dot product: simple, and on a GPU one row per
 * thread already saturates memory bandwidth for the matrix-vector case.
 */
public final class LinearKernels {
    private LinearKernels() {}

    /** out[t*dim + i] = w[i] * x[t*dim + i] / sqrt(mean(x_t^2) + eps), one work item per row t. */
    public static void rmsNorm(FloatArray x, FloatArray weight, FloatArray out, int rows, int dim, float eps) {
        for (@Parallel int t = 0; t < rows; t++) {
            int base = t * dim;
            float ss = 0f;
            for (int i = 0; i < dim; i++) {
                float v = x.get(base + i);
                ss += v * v;
            }
            float scale = 1.0f / TornadoMath.sqrt(ss / dim + eps);
            for (int i = 0; i < dim; i++) {
                out.set(base + i, weight.get(i) * (scale * x.get(base + i)));
            }
        }
    }

    /** out[r] = row r of w (f32, [rows][cols]) . x. */
    public static void matvecF32(FloatArray w, FloatArray x, FloatArray out, int rows, int cols) {
        for (@Parallel int r = 0; r < rows; r++) {
            int base = r * cols;
            float s = 0f;
            for (int c = 0; c < cols; c++) {
                s += w.get(base + c) * x.get(c);
            }
            out.set(r, s);
        }
    }

    /** out[r] = row r of w (IEEE half bits) . x. */
    public static void matvecF16(ShortArray w, FloatArray x, FloatArray out, int rows, int cols) {
        for (@Parallel int r = 0; r < rows; r++) {
            int base = r * cols;
            float s = 0f;
            for (int c = 0; c < cols; c++) {
                s += HalfBits.halfToFloat(w.get(base + c)) * x.get(c);
            }
            out.set(r, s);
        }
    }

    /** out[r] = row r of w (bfloat16 bits) . x. */
    public static void matvecBF16(ShortArray w, FloatArray x, FloatArray out, int rows, int cols) {
        for (@Parallel int r = 0; r < rows; r++) {
            int base = r * cols;
            float s = 0f;
            for (int c = 0; c < cols; c++) {
                s += HalfBits.bf16ToFloat(w.get(base + c)) * x.get(c);
            }
            out.set(r, s);
        }
    }

    /** Prefill product: out[t*rows + r] = row r of w (f32) . x[t*cols ...], t < tokens. */
    public static void matmulF32(FloatArray w, FloatArray x, FloatArray out, int tokens, int rows, int cols) {
        for (@Parallel int t = 0; t < tokens; t++) {
            for (@Parallel int r = 0; r < rows; r++) {
                int wb = r * cols;
                int xb = t * cols;
                float s = 0f;
                for (int c = 0; c < cols; c++) {
                    s += w.get(wb + c) * x.get(xb + c);
                }
                out.set(t * rows + r, s);
            }
        }
    }

    /** Prefill product over half weights. */
    public static void matmulF16(ShortArray w, FloatArray x, FloatArray out, int tokens, int rows, int cols) {
        for (@Parallel int t = 0; t < tokens; t++) {
            for (@Parallel int r = 0; r < rows; r++) {
                int wb = r * cols;
                int xb = t * cols;
                float s = 0f;
                for (int c = 0; c < cols; c++) {
                    s += HalfBits.halfToFloat(w.get(wb + c)) * x.get(xb + c);
                }
                out.set(t * rows + r, s);
            }
        }
    }

    /** Prefill product over bfloat16 weights. */
    public static void matmulBF16(ShortArray w, FloatArray x, FloatArray out, int tokens, int rows, int cols) {
        for (@Parallel int t = 0; t < tokens; t++) {
            for (@Parallel int r = 0; r < rows; r++) {
                int wb = r * cols;
                int xb = t * cols;
                float s = 0f;
                for (int c = 0; c < cols; c++) {
                    s += HalfBits.bf16ToFloat(w.get(wb + c)) * x.get(xb + c);
                }
                out.set(t * rows + r, s);
            }
        }
    }

    /** x[t*dim + i] += bias[i] for rows t. */
    public static void addBias(FloatArray x, FloatArray bias, int rows, int dim) {
        for (@Parallel int i = 0; i < rows * dim; i++) {
            x.set(i, x.get(i) + bias.get(i % dim));
        }
    }

    /** x[i] += y[i], i < n (the residual connection). */
    public static void addInPlace(FloatArray x, FloatArray y, int n) {
        for (@Parallel int i = 0; i < n; i++) {
            x.set(i, x.get(i) + y.get(i));
        }
    }

    /** gate[i] = silu(gate[i]) * up[i], i < n; silu in double as the CPU kernel computes it. */
    public static void swiglu(FloatArray gate, FloatArray up, int n) {
        for (@Parallel int i = 0; i < n; i++) {
            float g = gate.get(i);
            gate.set(i, (float) (g / (1.0 + TornadoMath.exp((double) -g))) * up.get(i));
        }
    }

    /**
     * out[t][i] = row tokens[t] of an f32 table (the embedding lookup), t < rows, i < dim. Decode looks
     * up one token (rows = 1), prefill a whole prompt.
     */
    public static void embedF32(FloatArray table, IntArray tokens, FloatArray out, int rows, int dim) {
        for (@Parallel int ti = 0; ti < rows * dim; ti++) {
            int t = ti / dim;
            out.set(ti, table.get(tokens.get(t) * dim + ti - t * dim));
        }
    }

    /** Embedding lookup in a half table. */
    public static void embedF16(ShortArray table, IntArray tokens, FloatArray out, int rows, int dim) {
        for (@Parallel int ti = 0; ti < rows * dim; ti++) {
            int t = ti / dim;
            out.set(ti, HalfBits.halfToFloat(table.get(tokens.get(t) * dim + ti - t * dim)));
        }
    }

    /** Embedding lookup in a bfloat16 table. */
    public static void embedBF16(ShortArray table, IntArray tokens, FloatArray out, int rows, int dim) {
        for (@Parallel int ti = 0; ti < rows * dim; ti++) {
            int t = ti / dim;
            out.set(ti, HalfBits.bf16ToFloat(table.get(tokens.get(t) * dim + ti - t * dim)));
        }
    }

    /** out[i] = x[(count[0] - 1) * dim + i]: the last of count[0] rows (a prompt's last position). */
    public static void copyLastRow(FloatArray x, IntArray count, FloatArray out, int dim) {
        for (@Parallel int i = 0; i < dim; i++) {
            out.set(i, x.get((count.get(0) - 1) * dim + i));
        }
    }
}
