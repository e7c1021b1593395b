package io.kvasir.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

class WeightMatrixTest {
    private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** Random matrix in the given encoding; odd sizes exercise the scalar tails. */
    static WeightMatrix random(WeightType type, int rows, int cols, long seed) {
        return RandomWeights.matrix(type, rows, cols, seed);
    }

    static float[] randomVector(int n, long seed) {
        return RandomWeights.vector(n, seed);
    }

    @ParameterizedTest
    @EnumSource(WeightType.class)
    void matvecEqualsScalarReference(WeightType type) {
        WeightMatrix w = random(type, 37, 203, 1);
        float[] x = randomVector(203, 2);
        float[] expected = new float[37];
        ReferenceKernels.matvec(w, x, expected);
        float[] actual = new float[37];
        w.matvec(x, actual);
        for (int r = 0; r < 37; r++) {
            assertEquals(expected[r], actual[r], 1e-5 * (1 + Math.abs(expected[r])), "row " + r);
        }
    }

    @ParameterizedTest
    @EnumSource(WeightType.class)
    void batchedMatmulEqualsOneMatvecPerToken(WeightType type) {
        int rows = 43;
        int cols = 130;
        int tokens = 70; // more than one token tile
        WeightMatrix w = random(type, rows, cols, 3);
        float[] x = randomVector(tokens * cols, 4);
        float[] out = new float[tokens * rows];
        w.matmul(x, tokens, out);
        float[] xt = new float[cols];
        float[] expected = new float[rows];
        for (int t = 0; t < tokens; t++) {
            System.arraycopy(x, t * cols, xt, 0, cols);
            ReferenceKernels.matvec(w, xt, expected);
            for (int r = 0; r < rows; r++) {
                assertEquals(expected[r], out[t * rows + r], 1e-5 * (1 + Math.abs(expected[r])), "token " + t + " row " + r);
            }
        }
    }

    @Test
    void everyHalfPrecisionValueWidensLikeTheJdk() {
        // All 65536 bit patterns, including subnormals, infinities and NaNs, through the vector path.
        MemorySegment seg = Arena.ofAuto().allocate(65536L * 2);
        for (int i = 0; i < 65536; i++) {
            seg.set(SHORT, i * 2L, (short) i);
        }
        WeightMatrix w = WeightMatrix.of(WeightType.F16, seg, 256, 256);
        float[] row = new float[256];
        for (int r = 0; r < 256; r++) {
            w.readRow(r, row, 0);
            for (int c = 0; c < 256; c++) {
                float expected = Float.float16ToFloat((short) (r * 256 + c));
                if (Float.isNaN(expected)) {
                    assertEquals(true, Float.isNaN(row[c]), "bits " + (r * 256 + c));
                } else {
                    assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(row[c]), "bits " + (r * 256 + c));
                }
            }
        }
    }

    @Test
    void bfloat16IsTheUpperHalfOfAFloat() {
        assertEquals(1.0f, HalfWidth.BF16.toFloat((short) 0x3F80));
        assertEquals(-2.0f, HalfWidth.BF16.toFloat((short) 0xC000));
        assertEquals(Float.intBitsToFloat(0x00010000), HalfWidth.BF16.toFloat((short) 0x0001)); // subnormal
    }

    @Test
    void rejectsSegmentOfWrongSize() {
        MemorySegment seg = Arena.ofAuto().allocate(10);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> WeightMatrix.of(WeightType.F32, seg, 2, 2));
        assertEquals("weight matrix of 2x2 F32 needs 16 bytes, segment has 10", e.getMessage());
    }
}
