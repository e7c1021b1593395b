package io.kvasir.safetensors;

import java.nio.file.Path;

/** The element types kvasir can read from safetensors files; the constant names are the safetensors dtype strings. */
public enum DType {
    /** IEEE 754 binary32. */
    F32(4),
    /** IEEE 754 binary16 (half precision). */
    F16(2),
    /** bfloat16: the upper 16 bits of a binary32. */
    BF16(2);

    private final int byteSize;

    DType(int byteSize) {
        this.byteSize = byteSize;
    }

    /** @return bytes per element */
    public int byteSize() {
        return byteSize;
    }

    /**
     * Parses a safetensors dtype string ({@code "F32"}, {@code "F16"}, {@code "BF16"}).
     *
     * @param dtype  the string from the header
     * @param tensor the tensor it belongs to, for the error message
     * @param file   the file it comes from, for the error message
     * @return the dtype
     * @throws SafetensorsFormatException "unsupported dtype X for tensor Y in FILE" for any other string
     */
    public static DType parse(String dtype, String tensor, Path file) {
        for (DType d : values()) {
            if (d.name().equals(dtype)) {
                return d;
            }
        }
        throw new SafetensorsFormatException(
                "unsupported dtype " + dtype + " for tensor '" + tensor + "' in " + file + " (kvasir reads F32, F16 and BF16)");
    }
}
