package io.kvasir.kernels;

/**
 * Rotary position embedding with Hugging Face's "rotate-half" pairing: element i is rotated with
 * element i + d/2 (not with its neighbour, as GGUF-permuted checkpoints do). Frequencies follow
 * transformers' float32 arithmetic, including the `llama3` frequency scaling of Llama 3.1/3.2.
 */
public final class Rope {
    private final int headDim;
    private final float[] invFreq;

    /** Parameters of the `llama3` rope_scaling rule; null for no scaling. */
    public record Llama3Scaling(double factor, double lowFreqFactor, double highFreqFactor,
                                int originalMaxPositionEmbeddings) {}

    public Rope(int headDim, double theta, Llama3Scaling scaling) {
        if (headDim % 2 != 0) {
            throw new IllegalArgumentException("head_dim must be even for RoPE, got " + headDim);
        }
        this.headDim = headDim;
        this.invFreq = inverseFrequencies(headDim, theta, scaling);
    }

    /** inv_freq[i] = 1 / theta^(2i/d), then llama3-scaled; float32 like torch. */
    static float[] inverseFrequencies(int headDim, double theta, Llama3Scaling s) {
        int half = headDim / 2;
        float[] inv = new float[half];
        for (int i = 0; i < half; i++) {
            float exponent = (float) (2 * i) / (float) headDim;
            inv[i] = 1.0f / (float) Math.pow((float) theta, exponent);
        }
        if (s == null) {
            return inv;
        }
        double oldContext = s.originalMaxPositionEmbeddings();
        double lowFreqWavelen = oldContext / s.lowFreqFactor();
        double highFreqWavelen = oldContext / s.highFreqFactor();
        float factor = (float) s.factor();
        for (int i = 0; i < half; i++) {
            float wavelen = (float) (2 * Math.PI) / inv[i];
            if (wavelen > lowFreqWavelen) {
                inv[i] = inv[i] / factor; // low frequencies: fully interpolated
            } else if (wavelen >= highFreqWavelen) {
                // medium band: blend between interpolated and original frequency
                float smooth = (float) ((oldContext / wavelen - s.lowFreqFactor())
                        / (s.highFreqFactor() - s.lowFreqFactor()));
                inv[i] = (1 - smooth) * inv[i] / factor + smooth * inv[i];
            }
        }
        return inv;
    }

    /** Copy of the (scaled) inverse frequencies, d/2 of them: what a device kernel needs. */
    public float[] inverseFrequencies() {
        return invFreq.clone();
    }

    public int headDim() {
        return headDim;
    }

    /** Fills cos[i], sin[i] (i < d/2) for one absolute position. */
    public void angles(int position, float[] cos, float[] sin) {
        for (int i = 0; i < invFreq.length; i++) {
            float angle = (float) position * invFreq[i];
            cos[i] = (float) Math.cos(angle);
            sin[i] = (float) Math.sin(angle);
        }
    }

    /** Rotates heads consecutive vectors of headDim starting at x[off], in place. */
    public void rotate(float[] x, int off, int heads, float[] cos, float[] sin) {
        int half = headDim / 2;
        for (int h = 0; h < heads; h++) {
            int base = off + h * headDim;
            for (int i = 0; i < half; i++) {
                float a = x[base + i];
                float b = x[base + i + half];
                x[base + i] = a * cos[i] - b * sin[i];
                x[base + i + half] = b * cos[i] + a * sin[i];
            }
        }
    }
}
