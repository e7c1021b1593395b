package io.kvasir.safetensors;

import static io.kvasir.safetensors.SafetensorsBytes.f32;
import static io.kvasir.safetensors.SafetensorsBytes.shape;
import static io.kvasir.safetensors.SafetensorsBytes.u16;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The weight scan against hand-checked IEEE bit patterns: the largest finite values, subnormals and
 * negative zero pass; NaN and both infinities are found at their exact index in the vector body, the
 * scalar tail and past the first block.
 */
class NonFiniteScanTest {

    @TempDir
    Path dir;

    /** Elements: more than one 65536-element block plus a tail that no vector width divides. */
    private static final int N = 65536 * 2 + 37;

    private long scanF32(float[] values) {
        Path f = new SafetensorsBytes().tensor("w", "F32", shape(values.length), f32(values)).write(dir.resolve("f.safetensors"));
        try (SafetensorsFile file = SafetensorsFile.open(f)) {
            return file.tensor("w").firstNonFinite();
        }
    }

    private long scan16(String dtype, int[] bits) {
        Path f = new SafetensorsBytes().tensor("w", dtype, shape(bits.length), u16(bits)).write(dir.resolve("h.safetensors"));
        try (SafetensorsFile file = SafetensorsFile.open(f)) {
            return file.tensor("w").firstNonFinite();
        }
    }

    @Test
    void f32FindsNaNAndInfinitiesAtTheirIndex() {
        float[] v = new float[N];
        // Finite extremes: max, min normal, smallest subnormal, negative zero.
        v[0] = Float.MAX_VALUE;
        v[1] = -Float.MAX_VALUE;
        v[2] = Float.MIN_NORMAL;
        v[3] = Float.MIN_VALUE;
        v[4] = -0f;
        assertEquals(-1, scanF32(v));
        for (int at : new int[] {0, 7, 65535, 65536 + 100, N - 1}) {
            for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY,
                    Float.intBitsToFloat(0x7F80_0001) /* signalling NaN */}) {
                float[] w = v.clone();
                w[at] = bad;
                assertEquals(at, scanF32(w), () -> "value " + bad + " at " + at);
            }
        }
        float[] two = v.clone();
        two[70_000] = Float.NaN;
        two[9] = Float.POSITIVE_INFINITY;
        assertEquals(9, scanF32(two));
    }

    @Test
    void f16AndBf16FindNonFiniteBitPatterns() {
        int[] f16 = new int[N];
        f16[0] = 0x7BFF; // 65504, the largest finite half
        f16[1] = 0xFBFF; // -65504
        f16[2] = 0x0001; // smallest subnormal
        f16[3] = 0x8000; // -0
        assertEquals(-1, scan16("F16", f16));
        int[] bf16 = new int[N];
        bf16[0] = 0x7F7F; // largest finite bfloat16
        bf16[1] = 0xFF7F;
        bf16[2] = 0x0001;
        bf16[3] = 0x7C00; // finite in bfloat16 (2^121), infinity only in half precision
        assertEquals(-1, scan16("BF16", bf16));
        for (int at : new int[] {0, 65535, 65536 * 2 + 36}) {
            for (int bad : new int[] {0x7C00, 0xFC00, 0x7E00, 0x7C01}) {
                int[] w = f16.clone();
                w[at] = bad;
                assertEquals(at, scan16("F16", w), () -> "F16 bits " + Integer.toHexString(bad) + " at " + at);
            }
            for (int bad : new int[] {0x7F80, 0xFF80, 0x7FC0, 0xFFC1}) {
                int[] w = bf16.clone();
                w[at] = bad;
                assertEquals(at, scan16("BF16", w), () -> "BF16 bits " + Integer.toHexString(bad) + " at " + at);
            }
        }
    }

    @Test
    void modelCheckNamesFileTensorElementAndValue() {
        byte[] good = f32(1, 2, 3, 4, 5, 6);
        byte[] bad = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN)
                .putFloat(1).putFloat(2).putFloat(3).putFloat(4).putFloat(Float.NEGATIVE_INFINITY).putFloat(6).array();
        Path f = new SafetensorsBytes().tensor("a.weight", "F32", shape(2, 3), good)
                .tensor("b.weight", "F32", shape(2, 3), bad).write(dir.resolve("model.safetensors"));
        try (SafetensorsModel model = SafetensorsModel.open(f)) {
            var e = assertThrows(SafetensorsFormatException.class, model::checkAllFinite);
            assertEquals(f.toAbsolutePath().normalize() + ": tensor 'b.weight' holds -Infinity at [1, 1]; weights must be finite numbers",
                    e.getMessage());
        }
    }
}
