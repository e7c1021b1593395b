package io.kvasir.compression;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kvasir.compression.quant.KiviHeadStore;
import io.kvasir.kernels.MinMaxQuantizer;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class QuantizedStoreTest {
    private static KiviHeadStore filled(int dim, int bits, int group, int residual, float threshold, int tokens, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        KiviHeadStore s = new KiviHeadStore(dim, bits, group, residual, threshold, 4);
        float[] k = new float[dim];
        float[] v = new float[dim];
        for (int t = 0; t < tokens; t++) {
            for (int d = 0; d < dim; d++) {
                // Channel-dependent offsets, as real keys have, and an occasional large element.
                k[d] = (float) (r.nextGaussian() + (d % 5) - 2 + (r.nextInt(50) == 0 ? 9 : 0));
                v[d] = (float) (r.nextGaussian() * 0.5 + (r.nextInt(70) == 0 ? -8 : 0));
            }
            s.append(3 * t + 1, k, 0, v, 0);
        }
        return s;
    }

    /** Attention over the codes equals attention computed in double over the dequantized copy. */
    @ParameterizedTest
    @CsvSource({"8,128,32,0,NaN,300", "4,128,32,128,NaN,301", "2,128,64,16,NaN,250", "4,24,8,0,NaN,77",
        "2,16,8,3,NaN,40", "4,16,4,5,6,90", "2,24,8,0,6,64", "8,24,24,0,6,50"})
    void attentionOnCodesEqualsAttentionOnDequantizedCopy(int bits, int dim, int group, int residual, float thr, int tokens) {
        KiviHeadStore s = filled(dim, bits, group, residual, thr, tokens, bits * 31L + dim);
        int n = s.length();
        assertEquals(tokens, n);
        assertTrue(s.quantizedLength() >= tokens - residual - group + 1, "codes hold all but the residual");
        float[][] kd = new float[n][dim];
        float[][] vd = new float[n][dim];
        for (int i = 0; i < n; i++) {
            s.readKey(i, kd[i], 0);
            s.readValue(i, vd[i], 0);
            assertEquals(3 * i + 1, s.position(i));
        }
        SplittableRandom r = new SplittableRandom(5);
        float[] q = new float[dim + 3];
        for (int d = 0; d < q.length; d++) {
            q[d] = (float) r.nextGaussian();
        }
        float scale = (float) (1 / Math.sqrt(dim));
        float[] scores = new float[n];
        s.scores(q, 3, scale, scores);
        double[] p = new double[n];
        float[] pf = new float[n];
        for (int i = 0; i < n; i++) {
            double dot = 0;
            for (int d = 0; d < dim; d++) {
                dot += (double) q[3 + d] * kd[i][d];
            }
            double expected = scale * dot;
            assertEquals(expected, scores[i], 1e-5 * Math.max(1, Math.abs(expected)), "score " + i);
            p[i] = Math.exp(-Math.abs(expected)) / n;
            pf[i] = (float) p[i];
        }
        float[] out = new float[dim + 2];
        s.accumulateValues(pf, out, 2);
        for (int d = 0; d < dim; d++) {
            double expected = 0;
            double magnitude = 0;
            for (int i = 0; i < n; i++) {
                expected += pf[i] * (double) vd[i][d];
                magnitude += Math.abs(pf[i] * (double) vd[i][d]);
            }
            assertEquals(expected, out[2 + d], 1e-5 * Math.max(1e-3, magnitude), "value channel " + d);
        }
    }

    /** Per element the dequantized copy is within half a step (plus fp16 metadata rounding) of the input. */
    @Test
    void keysAreGroupedPerChannelAndValuesPerToken() {
        int dim = 8;
        int group = 4;
        KiviHeadStore s = new KiviHeadStore(dim, 2, group, 0, Float.NaN, 4);
        float[][] k = new float[4][dim];
        float[][] v = new float[4][dim];
        // Q7 of docs/methods/kivi.md#test-vectors in channels 0..3 of the keys (the per-channel rows), copied into channels 4..7 too.
        float[][] q7 = {{0.1f, -0.2f, 0.3f, 8}, {0.2f, 0.1f, -0.1f, 9}, {-0.3f, 0.2f, 0, 10}, {0, -0.1f, 0.2f, 11}};
        float[][] perChannel = {{0.0334f, -0.2f, 0.2998f, 8}, {0.2f, 0.0667f, -0.1f, 9}, {-0.2998f, 0.2f, 0.0333f, 10},
            {0.0334f, -0.0667f, 0.1666f, 11}};
        for (int t = 0; t < 4; t++) {
            for (int d = 0; d < dim; d++) {
                k[t][d] = q7[t][d % 4];
                v[t][d] = q7[t][d % 4];
            }
            s.append(t, k[t], 0, v[t], 0);
        }
        assertEquals(4, s.quantizedLength());
        float[] out = new float[dim];
        for (int t = 0; t < 4; t++) {
            s.readKey(t, out, 0);
            for (int d = 0; d < dim; d++) {
                assertEquals(perChannel[t][d % 4], out[d], 5e-3f, "key " + t + "," + d);
            }
            s.readValue(t, out, 0);
            float[] perToken = {-0.2f, -0.1f, -0.3f, -0.1f};
            for (int d = 0; d < dim; d++) {
                float expected = d % 4 == 3 ? q7[t][3] : perToken[t];
                assertEquals(expected, out[d], 5e-3f, "value " + t + "," + d);
            }
        }
    }

    @Test
    void kvQuantOutliersAreRestoredExactly() {
        // Q8 of docs/methods/kvquant.md#test-vectors: [0.5, -7, 1, 2] at 2 bits, threshold 6 -> [0.6665, -7, 1.333, 2].
        KiviHeadStore s = new KiviHeadStore(4, 2, 4, 0, 6f, 4);
        for (int t = 0; t < 4; t++) {
            s.append(t, new float[] {t, t, t, t}, 0, new float[] {0.5f, -7.0f, 1.0f, 2.0f}, 0);
        }
        float[] out = new float[4];
        s.readValue(0, out, 0);
        assertArrayEquals(new float[] {0.6665f, -7.0f, 1.333f, 2.0f}, out, 1e-3f);
        assertEquals(4, s.outlierCount());
        assertEquals(4 * 6, s.outlierBytes());
    }

    /** contents() (what the TornadoVM backend uploads) decodes to exactly what the store itself reads. */
    @Test
    void contentsDecodeToTheStoredEntries() {
        int dim = 24;
        int group = 8;
        for (int bits : new int[] {8, 4, 2}) {
            KiviHeadStore s = filled(dim, bits, group, 5, Float.NaN, 40, 7);
            KiviHeadStore.Contents c = s.contents();
            int rowBytes = dim * bits / 8;
            assertEquals(32, c.quantized());
            assertEquals(8, c.residualLength());
            assertEquals(c.quantized() * rowBytes, c.keyCodes().length);
            float[] key = new float[dim];
            float[] value = new float[dim];
            for (int i = 0; i < 40; i++) {
                s.readKey(i, key, 0);
                s.readValue(i, value, 0);
                for (int d = 0; d < dim; d++) {
                    if (i < c.quantized()) {
                        // Bit planes: byte d % L of the row holds channel d in bits (d / L) * b.
                        int byteIndex = i * rowBytes + d % rowBytes;
                        int shift = bits * (d / rowBytes);
                        int kCode = ((c.keyCodes()[byteIndex] & 0xFF) >>> shift) & ((1 << bits) - 1);
                        int vCode = ((c.valueCodes()[byteIndex] & 0xFF) >>> shift) & ((1 << bits) - 1);
                        int kMeta = (i / group) * dim + d;
                        int vMeta = i * (dim / group) + d / group;
                        assertEquals(key[d], MinMaxQuantizer.dequantize(kCode, Float.float16ToFloat(c.keyScale()[kMeta]),
                                Float.float16ToFloat(c.keyZero()[kMeta])), bits + "-bit key " + i + "," + d);
                        assertEquals(value[d], MinMaxQuantizer.dequantize(vCode, Float.float16ToFloat(c.valueScale()[vMeta]),
                                Float.float16ToFloat(c.valueZero()[vMeta])), bits + "-bit value " + i + "," + d);
                    } else {
                        int r = (i - c.quantized()) * dim + d;
                        assertEquals(key[d], Float.float16ToFloat(c.residualKeys()[r]), "residual key " + i + "," + d);
                        assertEquals(value[d], Float.float16ToFloat(c.residualValues()[r]), "residual value " + i + "," + d);
                    }
                }
            }
        }
        assertThrows(IllegalStateException.class, () -> filled(8, 4, 4, 0, 0.5f, 8, 1).contents(), "outliers");
    }

    @Test
    void bytesFollowTheAccountingFormula() {
        int dim = 24;
        int group = 8;
        int residual = 5;
        for (int bits : new int[] {8, 4, 2}) {
            for (int tokens : new int[] {0, 3, 12, 13, 40, 77}) {
                KiviHeadStore s = filled(dim, bits, group, residual, Float.NaN, tokens, 3);
                int quantized = tokens < residual + group ? 0 : (tokens - residual) / group * group;
                int fp16 = tokens - quantized;
                assertEquals(quantized, s.quantizedLength());
                // docs/methods/kivi.md#bytes-per-token: 2 * D * (b/8 + 4/G) per quantized token, 2 * D * 2 per fp16 residual token.
                long expected = (long) (quantized * 2.0 * dim * (bits / 8.0 + 4.0 / group)) + 2L * dim * 2 * fp16;
                assertEquals(expected, s.bytes(), bits + "-bit, " + tokens + " tokens");
                assertTrue(s.bytes() <= ByteBudgetPlanner.headBytes(tokens, bits, dim, group, residual),
                        "the planner's bound covers the store");
            }
        }
    }

    @Test
    void badShapesFailWithOneLine() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new KvCache(new KvLayout(2, 2, 4, 24, GqaMode.NATIVE), KvStorage.of(2).withQuantization(QuantScheme.KIVI, 16, 0), 8));
        assertTrue(e.getMessage().contains("--quant-group 16"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> KvStorage.of(3));
    }

    @Test
    void layerQuantScalesBudgetsAndFixesTheInvertedSwitch() {
        KvStorage correct = KvStorage.of(4).withQuantization(QuantScheme.KIVI, 8, 0).withLayerQuant(0, 2, 8, false);
        assertEquals(8, correct.bitsOf(0));
        assertEquals(8, correct.bitsOf(1));
        assertEquals(4, correct.bitsOf(2));
        assertEquals(2.0, correct.tokenScale(0));
        assertEquals(4.0, correct.tokenScale(3));
        KvStorage reference = correct.withLayerQuant(0, 2, 8, true);
        assertEquals(16, reference.bitsOf(0), "the reference stores its range unquantized");
        assertEquals(2.0, reference.tokenScale(0), "with the scaled budget all the same");
        // Budgets per layer: int(B * 16 / bits), docs/methods/layerquant.md#test-vectors (B = 128, 3 layers at 4 bits -> 512).
        KvLayout layout = new KvLayout(4, 2, 4, 16, GqaMode.NATIVE);
        CompressionConfig config = CompressionConfig.builder().method("snapkv").budget(20).build();
        CompressionPolicy policy = config.create(layout, correct, "", java.util.Optional.empty());
        int n = 200;
        float[] keys = KvCacheTest.random(n * 2 * 16, 1);
        float[] queries = KvCacheTest.random(n * 4 * 16, 2);
        for (int l = 0; l < 4; l++) {
            int[][] kept = policy.select(new LayerPrefill(l, layout, n, keys, keys, queries, null));
            assertEquals(l < 2 ? 40 : 80, kept[0].length, "layer " + l);
        }
    }

    @Test
    void halfStepBoundHoldsInTheStore() {
        KiviHeadStore s = filled(16, 4, 8, 0, Float.NaN, 64, 11);
        float[] raw = new float[16];
        float[] out = new float[16];
        SplittableRandom r = new SplittableRandom(11);
        // Regenerate the inputs the same way filled() drew them.
        for (int t = 0; t < 64; t++) {
            float[] k = new float[16];
            float[] v = new float[16];
            for (int d = 0; d < 16; d++) {
                k[d] = (float) (r.nextGaussian() + (d % 5) - 2 + (r.nextInt(50) == 0 ? 9 : 0));
                v[d] = (float) (r.nextGaussian() * 0.5 + (r.nextInt(70) == 0 ? -8 : 0));
            }
            s.readValue(t, out, 0);
            for (int g = 0; g < 2; g++) {
                float lo = Float.POSITIVE_INFINITY;
                float hi = Float.NEGATIVE_INFINITY;
                for (int d = g * 8; d < g * 8 + 8; d++) {
                    float h = Float.float16ToFloat(Float.floatToFloat16(v[d])); // the residual held fp16
                    lo = Math.min(lo, h);
                    hi = Math.max(hi, h);
                }
                float step = (hi - lo) / 15;
                for (int d = g * 8; d < g * 8 + 8; d++) {
                    float h = Float.float16ToFloat(Float.floatToFloat16(v[d]));
                    float bound = 0.5f * step * (1 + 0x1p-10f) + 0x1p-10f * (Math.abs(h) + Math.abs(lo)) + 1e-6f;
                    assertTrue(Math.abs(out[d] - h) <= bound, "token " + t + " channel " + d);
                }
            }
        }
        assertTrue(MinMaxQuantizer.MAX_INVERSE_SCALE > 0);
    }

    /**
     * Q6 of docs/methods/reference.md#test-vectors through the cache: keys in axis-1 groups, values in strided axis-0 groups. Q6's
     * [1, 2, 3, 4] tensor has 6 groups, which hqq 0.2.2 cannot pack at 2 bits (it is refused below), so
     * the tensor has 4 tokens here; the expected values are hqq 0.2.2's dequantization of it.
     */
    @Test
    void referenceLayoutReproducesTheAxisRule() {
        KvLayout layout = new KvLayout(1, 2, 2, 4, GqaMode.NATIVE);
        KvCache cache = new KvCache(layout, KvStorage.of(2).withQuantization(QuantScheme.REFERENCE, 4, 0), 6);
        int t = 4;
        float[] x = new float[t * 2 * 4];
        for (int h = 0; h < 2; h++) {
            for (int p = 0; p < t; p++) {
                for (int d = 0; d < 4; d++) {
                    x[p * 8 + h * 4 + d] = ((h * t + p) * 4 + d) % 5; // value f mod 5 at flat index f of [H, T, D]
                }
            }
        }
        cache.storePrefill(0, x, x, t, new int[][] {{0, 1, 2, 3}, {0, 1, 2, 3}});
        float[] out = new float[4];
        cache.head(0, 0).readKey(1, out, 0); // flat [4..7]
        assertArrayEquals(new float[] {4, 0, 1.3333f, 2.6667f}, out, 2e-3f);
        // Value group 0 = flat {0, 8, 16, 24} = (h0,t0,d0), (h0,t2,d0), (h1,t0,d0), (h1,t2,d0) = [0, 3, 1, 4]
        // -> [0, 2.666, 1.333, 4] (fp16: 2.666, 1.333 are 2.666015625, 1.3330078125).
        cache.head(0, 0).readValue(0, out, 0);
        assertEquals(0f, out[0], 0f);
        cache.head(0, 0).readValue(2, out, 0);
        assertEquals(2.666015625f, out[0], 0f);
        cache.head(0, 1).readValue(0, out, 0);
        assertEquals(1.3330078125f, out[0], 0f);
        cache.head(0, 1).readValue(2, out, 0);
        assertEquals(4f, out[0], 0f);
        // Generated tokens stay half precision; attention over codes equals attention over the copy.
        cache.append(0, 4, new float[] {0.5f, 1, 2, 3, 4, 5, 6, 7}, new float[] {1, 2, 3, 4, 5, 6, 7, 8});
        HeadStore s = cache.head(0, 1);
        float[] q = {0.3f, -1.2f, 0.7f, 2f};
        float[] scores = new float[5];
        s.scores(q, 0, 0.5f, scores);
        float[] pv = new float[4];
        s.accumulateValues(new float[] {0.1f, 0.2f, 0.3f, 0.4f, 0.5f}, pv, 0);
        float[] expectedV = new float[4];
        for (int i = 0; i < 5; i++) {
            s.readKey(i, out, 0);
            double dot = 0;
            for (int d = 0; d < 4; d++) {
                dot += q[d] * out[d];
            }
            assertEquals(0.5 * dot, scores[i], 1e-5 * Math.max(1, Math.abs(dot)));
            s.readValue(i, out, 0);
            for (int d = 0; d < 4; d++) {
                expectedV[d] += (0.1f * (i + 1)) * out[d];
            }
        }
        assertArrayEquals(expectedV, pv, 1e-5f);
        s.readKey(4, out, 0);
        assertArrayEquals(new float[] {4, 5, 6, 7}, out, 0f);
        // A group that does not divide H * T * D fails with one line naming the flag.
        KvCache bad = new KvCache(layout, KvStorage.of(2).withQuantization(QuantScheme.REFERENCE, 5, 0), 5);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> bad.storePrefill(0, x, x, t, new int[][] {{0, 1, 2, 3}, {0, 1, 2, 3}}));
        assertTrue(e.getMessage().contains("--quant-group"), e.getMessage());
        // Q6's own shape: 6 key groups cannot be cut into hqq's 4 slices of 2-bit codes.
        KvCache unpackable = new KvCache(layout, KvStorage.of(2).withQuantization(QuantScheme.REFERENCE, 4, 0), 5);
        e = assertThrows(IllegalArgumentException.class,
                () -> unpackable.storePrefill(0, x, x, 3, new int[][] {{0, 1, 2}, {0, 1, 2}}));
        assertTrue(e.getMessage().contains("group count (6 in layer 0)") && e.getMessage().contains("multiples of 4"),
                e.getMessage());
    }
}
