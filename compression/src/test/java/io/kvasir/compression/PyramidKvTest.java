package io.kvasir.compression;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** PyramidKV budgets against docs/methods/pyramidkv.md#test-vectors and the policy's use of them. */
class PyramidKvTest {
    static int[] caps(PyramidBudget b, int n) {
        return IntStream.range(0, b.layers()).map(l -> b.selected(l, n)).toArray();
    }

    @Test
    void budget128Regimes() {
        PyramidBudget b = new PyramidBudget(32, 128, 8, 20);
        assertEquals(92, b.selected(0, 100)); // n < B: every candidate, i.e. no compression
        int[] uniform = caps(b, 200);
        assertEquals(32, Arrays.stream(uniform).filter(c -> c == 120).count());
        int[] clamped = caps(b, 241);
        assertEquals(233, clamped[0]);
        assertEquals(226, clamped[1]);
        assertEquals(16, clamped[31]);
        assertEquals(3984, Arrays.stream(clamped).sum());
        int[] full = caps(b, 2000);
        assertArrayEquals(new int[] {234, 227, 220}, Arrays.copyOf(full, 3));
        assertArrayEquals(new int[] {31, 24, 17}, Arrays.copyOfRange(full, 29, 32));
        assertEquals(4016, Arrays.stream(full).sum());
    }

    @Test
    void longPromptBudgets() {
        int[] b64 = caps(new PyramidBudget(32, 64, 8, 20), 8000);
        assertEquals(110, b64[0]);
        assertEquals(17, b64[31]);
        assertEquals(2032, Arrays.stream(b64).sum());
        int[] b512 = caps(new PyramidBudget(32, 512, 8, 20), 8000);
        assertEquals(983, b512[0]);
        assertEquals(53, b512[31]);
        assertEquals(16576, Arrays.stream(b512).sum());
        int[] b2048 = caps(new PyramidBudget(32, 2048, 8, 20), 8000);
        assertEquals(3978, b2048[0]);
        assertEquals(103, b2048[31]);
        assertEquals(65296, Arrays.stream(b2048).sum());
    }

    @Test
    void policyKeepsEachLayersCapPlusWindow() {
        // L = 2, B = 4, w = 1: base 3, minN 0, maxN 6, steps 6 -> caps 6 and 0 for n >= 6.
        KvLayout layout = new KvLayout(2, 1, 1, 1, GqaMode.NATIVE);
        PyramidKvPolicy policy = new PyramidKvPolicy(new PyramidBudget(2, 4, 1, 20),
                new SnapKvSelection(1, Pooling.MAXPOOL, 1, ScoreAggregation.MEAN, false));
        double[] u = new SplittableRandom(3).doubles(10, 0.5, 2).toArray();
        assertEquals(7, policy.select(OneDimTensors.prefill(0, layout, u, 1f))[0].length);
        assertArrayEquals(new int[] {9}, policy.select(OneDimTensors.prefill(1, layout, u, 1f))[0]);
        // B <= n < 2 * base: plain SnapKV, base + w = 4 per layer.
        double[] five = Arrays.copyOf(u, 5);
        assertEquals(4, policy.select(OneDimTensors.prefill(1, layout, five, 1f))[0].length);
        assertEquals(4, policy.select(OneDimTensors.prefill(1, layout, Arrays.copyOf(u, 4), 1f))[0].length);
    }
}
