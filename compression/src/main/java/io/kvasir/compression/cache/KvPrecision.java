package io.kvasir.compression.cache;

/** Element format of stored keys and values. */
public enum KvPrecision {
    F32(4),
    F16(2);

    private final int bytes;

    KvPrecision(int bytes) {
        this.bytes = bytes;
    }

    /** Bytes per stored element. */
    public int bytes() {
        return bytes;
    }

    /** Parses 32 / 16 (bits), as given on the command line. */
    public static KvPrecision ofBits(int bits) {
        return switch (bits) {
            case 32 -> F32;
            case 16 -> F16;
            default -> throw new IllegalArgumentException("KV storage must be 32 or 16 bits, got " + bits);
        };
    }
}
