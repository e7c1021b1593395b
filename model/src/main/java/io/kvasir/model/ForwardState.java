package io.kvasir.model;

import io.kvasir.kernels.Rope;

/**
 * The activations of the token rows one forward pass carries through the layers, and the scratch
 * buffers its steps write: allocated once and overwritten by every layer (and, in decode, by every
 * token), the way llama3.java's State is. Rows are token-major: {@code x[t * hidden + i]}.
 *
 * <p>A decode state has one row and runs the projections as matrix-vector products; a prompt state
 * has a row per prompt token and runs them as batched matmuls (see {@link #batched}).
 */
final class ForwardState {
    /** Tokens per MLP chunk of a prompt: bounds the [tokens x intermediate] buffers. */
    static final int MLP_CHUNK = 256;

    final int rows;
    /** Batched matmuls over the rows (prompt) rather than one matvec per projection (decode). */
    final boolean batched;
    /** Residual stream [rows][hidden]. */
    final float[] x;
    /** Normalised input of the attention or the MLP [rows][hidden]. */
    final float[] xn;
    /** Queries [rows][heads][headDim], after RoPE. */
    final float[] q;
    /** Keys [rows][kvHeads][headDim] (after RoPE) and values: not final, see {@link #freshKv}. */
    float[] k;
    float[] v;
    /** Attention output [rows][heads][headDim]. */
    final float[] attn;
    /** Output of the attention's or the MLP's last projection [rows][hidden], added to x. */
    final float[] proj;
    /** MLP rows per chunk; gate and up hold [mlpRows][intermediate]. */
    final int mlpRows;
    final float[] gate;
    final float[] up;
    /** A chunk's MLP input and output, [mlpRows][hidden]; null when every row fits one chunk. */
    final float[] chunkIn;
    final float[] chunkOut;
    /** RoPE angles of each row's position [rows][headDim / 2]. */
    final float[][] cos;
    final float[][] sin;
    /** Attention scores of each query head against its cached entries (decode); grown on demand. */
    private final float[][] scores;
    final float[] logits;
    private final ModelConfig config;

    private ForwardState(ModelConfig c, int rows, boolean batched) {
        this.config = c;
        this.rows = rows;
        this.batched = batched;
        int hidden = c.hiddenSize();
        x = new float[rows * hidden];
        xn = new float[rows * hidden];
        q = new float[rows * c.qDim()];
        k = new float[rows * c.kvDim()];
        v = new float[rows * c.kvDim()];
        attn = new float[rows * c.qDim()];
        proj = new float[rows * hidden];
        mlpRows = Math.min(rows, MLP_CHUNK);
        gate = new float[mlpRows * c.intermediateSize()];
        up = new float[mlpRows * c.intermediateSize()];
        chunkIn = rows > mlpRows ? new float[mlpRows * hidden] : null;
        chunkOut = rows > mlpRows ? new float[mlpRows * hidden] : null;
        cos = new float[rows][c.headDim() / 2];
        sin = new float[rows][c.headDim() / 2];
        scores = new float[c.numHeads()][];
        logits = new float[c.vocabSize()];
    }

    /** State for a prompt of the given length: every token at once. */
    static ForwardState prompt(ModelConfig c, int tokens) {
        return new ForwardState(c, tokens, true);
    }

    /** State for decoding one token at a time; reusable for any sequence. */
    static ForwardState decode(ModelConfig c) {
        return new ForwardState(c, 1, false);
    }

    /** RoPE angles for rows at positions first, first + 1, ... */
    void positions(Rope rope, int first) {
        for (int t = 0; t < rows; t++) {
            rope.angles(first + t, cos[t], sin[t]);
        }
    }

    /**
     * New K/V arrays for the next layer of a prompt: the previous layer's were handed to the
     * compression policy and the cache, which may keep them.
     */
    void freshKv() {
        k = new float[rows * config.kvDim()];
        v = new float[rows * config.kvDim()];
    }

    /** Head h's score buffer, at least {@code entries} long; grows (doubling) as the cache does. */
    float[] scores(int head, int entries) {
        float[] s = scores[head];
        if (s == null || s.length < entries) {
            s = new float[Math.max(entries, s == null ? 64 : 2 * s.length)];
            scores[head] = s;
        }
        return s;
    }
}
