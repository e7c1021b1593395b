package io.kvasir.kernels;

/** Storage formats a weight matrix can have in a model file. */
public enum WeightType {
    F32(4),
    F16(2),
    BF16(2);

    private final int bytes;

    WeightType(int bytes) {
        this.bytes = bytes;
    }

    /** Bytes per element. */
    public int bytes() {
        return bytes;
    }
}
