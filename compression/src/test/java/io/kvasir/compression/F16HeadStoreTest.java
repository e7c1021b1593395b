package io.kvasir.compression;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The 16-bit store's vector loops against the JDK's own half-precision conversions
 * (Float.floatToFloat16 / float16ToFloat) summed in double precision. Head sizes include ones that
 * leave a scalar tail after the vector lanes; more entries than the initial capacity make it grow.
 */
class F16HeadStoreTest {
    private static final int ENTRIES = 150;

    @ParameterizedTest
    @ValueSource(ints = {128, 72, 5})
    void matchesScalarHalfPrecisionReference(int headDim) {
        Random r = new Random(headDim);
        float[] k = new float[ENTRIES * headDim];
        float[] v = new float[ENTRIES * headDim];
        for (int i = 0; i < k.length; i++) {
            // Spans subnormal halves (below 6.1e-5) up to large values.
            k[i] = (float) (r.nextGaussian() * Math.pow(10, r.nextInt(7) - 5));
            v[i] = (float) r.nextGaussian();
        }
        F16HeadStore store = new F16HeadStore(headDim, 16);
        for (int i = 0; i < ENTRIES; i++) {
            store.append(1000 + i, k, i * headDim, v, i * headDim);
        }
        assertEquals(ENTRIES, store.length());

        float[] row = new float[headDim];
        for (int i = 0; i < ENTRIES; i++) {
            store.readKey(i, row, 0);
            for (int d = 0; d < headDim; d++) {
                assertEquals(Float.floatToRawIntBits(half(k[i * headDim + d])), Float.floatToRawIntBits(row[d]));
            }
            store.readValue(i, row, 0);
            for (int d = 0; d < headDim; d++) {
                assertEquals(Float.floatToRawIntBits(half(v[i * headDim + d])), Float.floatToRawIntBits(row[d]));
            }
        }

        float[] q = new float[headDim + 3];
        for (int d = 0; d < q.length; d++) {
            q[d] = (float) r.nextGaussian();
        }
        float scale = 0.125f;
        float[] scores = new float[ENTRIES];
        store.scores(q, 3, scale, scores);
        for (int i = 0; i < ENTRIES; i++) {
            double exact = 0;
            double magnitude = 0;
            for (int d = 0; d < headDim; d++) {
                double term = (double) q[3 + d] * half(k[i * headDim + d]);
                exact += term;
                magnitude += Math.abs(term);
            }
            // float32 summation of headDim terms: error <= headDim * 2^-24 * sum |terms|.
            assertTrue(Math.abs(scores[i] - scale * exact) <= scale * magnitude * headDim * 0x1p-24 + Float.MIN_NORMAL,
                    "score " + i + ": " + scores[i] + " vs " + scale * exact);
        }

        float[] p = new float[ENTRIES];
        for (int i = 0; i < ENTRIES; i++) {
            p[i] = r.nextFloat() / ENTRIES;
        }
        float[] out = new float[headDim + 2];
        out[1] = 0.5f;
        store.accumulateValues(p, out, 1);
        for (int d = 0; d < headDim; d++) {
            double exact = d == 0 ? 0.5 : 0;
            double magnitude = Math.abs(exact);
            for (int i = 0; i < ENTRIES; i++) {
                double term = (double) p[i] * half(v[i * headDim + d]);
                exact += term;
                magnitude += Math.abs(term);
            }
            assertTrue(Math.abs(out[1 + d] - exact) <= magnitude * ENTRIES * 0x1p-24,
                    "value dim " + d + ": " + out[1 + d] + " vs " + exact);
        }
        assertEquals(0f, out[0]);
        assertEquals(0f, out[headDim + 1]);
    }

    private static float half(float x) {
        return Float.float16ToFloat(Float.floatToFloat16(x));
    }
}
