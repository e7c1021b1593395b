package io.kvasir.model;

import io.kvasir.kernels.Rope;

/**
 * The activations one forward pass carries through the layers, and the scratch buffers its steps
 * write: allocated once and overwritten by every layer (and, in decode, by every token), the way
 * llama3.java's State is. Rows are token-major: {@code x[t * hidden + i]}.
 *
 * <p>Only the residual stream x and the current layer's K and V have a row per prompt token. A
 * layer walks the prompt in chunks of at most {@link #CHUNK} query rows, and everything else (norms,
 * queries, attention output, projections, MLP, RoPE angles) holds one chunk: that is what bounds a
 * long prompt's prefill to about tokens x (hidden + 2 kvDim) floats (see {@link PrefillMemory}).
 *
 * <p>A decode state has one row and runs the projections as matrix-vector products; a prompt state
 * runs them as batched matmuls over a chunk (see {@link #batched}).
 */
final class ForwardState {
    /** Query rows per chunk of a prompt: bounds every buffer that is not x, K or V. */
    static final int CHUNK = 256;

    /** Token rows of x, K and V: the prompt length, or 1 in decode. */
    final int tokens;
    /** Rows per chunk: the capacity of the chunk buffers. */
    final int rows;
    /** Batched matmuls over the chunk (prompt) rather than one matvec per projection (decode). */
    final boolean batched;
    /** Residual stream [tokens][hidden]. */
    final float[] x;
    /** Keys [tokens][kvHeads][headDim] (after RoPE) and values of the current layer. */
    final float[] k;
    final float[] v;
    /** The current chunk's keys and values [rows][kvDim]; the same arrays as k and v in decode. */
    final float[] kChunk;
    final float[] vChunk;
    /** Normalised input of the attention or the MLP [rows][hidden]. */
    final float[] xn;
    /** Queries [rows][heads][headDim], after RoPE. */
    final float[] q;
    /** Attention output [rows][heads][headDim]. */
    final float[] attn;
    /** Output of the attention's or the MLP's last projection [rows][hidden], added to x. */
    final float[] proj;
    /** MLP gate and up [rows][intermediate]. */
    final float[] gate;
    final float[] up;
    /** RoPE angles of each chunk row's position [rows][headDim / 2]. */
    final float[][] cos;
    final float[][] sin;
    /** Attention scores of each query head against its cached entries (decode); grown on demand. */
    private final float[][] scores;
    final float[] logits;
    /** Absolute position of token row 0 (0 for a prompt, the decoded token's position in decode). */
    int firstPosition;
    /** The chunk being computed: token rows [chunkStart, chunkStart + chunkRows). */
    int chunkStart;
    int chunkRows;

    private ForwardState(ModelConfig c, int tokens, boolean batched) {
        this.tokens = tokens;
        this.rows = Math.min(tokens, CHUNK);
        this.batched = batched;
        int hidden = c.hiddenSize();
        x = new float[tokens * hidden];
        k = new float[tokens * c.kvDim()];
        v = new float[tokens * c.kvDim()];
        kChunk = tokens == rows ? k : new float[rows * c.kvDim()];
        vChunk = tokens == rows ? v : new float[rows * c.kvDim()];
        xn = new float[rows * hidden];
        q = new float[rows * c.qDim()];
        attn = new float[rows * c.qDim()];
        proj = new float[rows * hidden];
        gate = new float[rows * c.intermediateSize()];
        up = new float[rows * c.intermediateSize()];
        cos = new float[rows][c.headDim() / 2];
        sin = new float[rows][c.headDim() / 2];
        scores = new float[c.numHeads()][];
        logits = new float[c.vocabSize()];
    }

    /** State for a prompt of the given length (checked against the array limits by the caller). */
    static ForwardState prompt(ModelConfig c, int tokens) {
        return new ForwardState(c, tokens, true);
    }

    /** State for decoding one token at a time; reusable for any sequence. */
    static ForwardState decode(ModelConfig c) {
        return new ForwardState(c, 1, false);
    }

    /**
     * Makes token rows [start, start + count) the current chunk: their RoPE angles, at positions
     * firstPosition + start, ..., are computed here so that no angle table spans the prompt.
     */
    void chunk(Rope rope, int start, int count) {
        chunkStart = start;
        chunkRows = count;
        for (int i = 0; i < count; i++) {
            rope.angles(firstPosition + start + i, cos[i], sin[i]);
        }
    }

    /** Copies the chunk's keys and values into the layer's K and V (a no-op when they are the same). */
    void keepChunkKv(int kvDim) {
        if (kChunk != k) {
            System.arraycopy(kChunk, 0, k, chunkStart * kvDim, chunkRows * kvDim);
            System.arraycopy(vChunk, 0, v, chunkStart * kvDim, chunkRows * kvDim);
        }
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
