package io.kvasir.model;

/**
 * How the next token is chosen. Temperature 0 means greedy (argmax, lowest id on ties).
 *
 * @param topK 0 disables top-k
 * @param topP 1 disables nucleus sampling
 */
public record SamplingSettings(double temperature, int topK, double topP, long seed) {
    public static final SamplingSettings GREEDY = new SamplingSettings(0, 0, 1, 0);

    public SamplingSettings {
        if (!(temperature >= 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("--temperature must be a finite number >= 0, got " + temperature);
        }
        if (topK < 0) {
            throw new IllegalArgumentException("--top-k must be >= 0 (0 = off), got " + topK);
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new IllegalArgumentException("--top-p must be in (0, 1], got " + topP);
        }
    }

    public boolean greedy() {
        return temperature == 0;
    }
}
