package io.kvasir.compression.windowkv;

import static io.kvasir.compression.windowkv.ConstructionC.concat;
import static io.kvasir.compression.windowkv.ConstructionC.layer;
import static io.kvasir.compression.windowkv.ConstructionC.options;
import static io.kvasir.compression.windowkv.ConstructionC.range;
import static io.kvasir.compression.windowkv.ConstructionC.windows;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.kvasir.compression.GqaMode;
import io.kvasir.compression.KvLayout;
import io.kvasir.compression.LayerPrefill;
import io.kvasir.compression.ObservationScores;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The vectors of docs/methods/windowkv.md#test-vectors on Construction C tensors. */
class WindowKvPolicyTest {
    // Example 1 (8.2): one head, T = 20, L = 16.
    static final double[] EX1 = windows(new double[] {4, 1, 1, 1}, new double[] {1, 1, 1, 1},
            new double[] {2, 2, 2, 2}, new double[] {1, 1, 6, 1});
    // Example 2 (8.3): two query heads, one KV head, T = 21, L = 17.
    static final double[] EX2_HEAD0 = windows(new double[] {3, 1, 1, 1}, new double[] {1, 2, 1, 2},
            new double[] {1, 2, 1, 2}, new double[] {1, 1, 1, 1}, new double[] {10});
    static final double[] EX2_HEAD1 = windows(new double[] {1, 1, 1, 1}, new double[] {1, 2, 1, 2},
            new double[] {1, 2, 1, 2}, new double[] {4, 3, 1, 1}, new double[] {7});
    // Example 3 (8.4): layers 0 and 2 use V, layers 1 and 3 use V_PRIME; T = 21, L = 17.
    static final double[] V = windows(new double[] {1, 1, 1, 1}, new double[] {5, 1, 1, 1},
            new double[] {1, 1, 4, 4}, new double[] {2, 2, 2, 1.5}, new double[] {0.5});
    static final double[] V_PRIME = windows(new double[] {0.5, 1.5, 2, 2}, new double[] {2, 4, 4, 1},
            new double[] {1, 1, 1, 1}, new double[] {5, 1, 1, 1}, new double[] {1});

    static WindowKvPolicy policy(KvLayout layout, int meanBudget, int beta, WindowStrategy strategy) {
        return new WindowKvPolicy(layout, meanBudget, options(2, beta, false), strategy, false);
    }

    static int[] single(int[][] kept) {
        for (int[] head : kept) {
            assertArrayEquals(kept[0], head, "every stored head keeps the same windows");
        }
        return kept[0];
    }

    @Test
    void example1WindowScores() {
        KvLayout layout = ConstructionC.layout(4, 1, GqaMode.NATIVE);
        float[][] a = ObservationScores.columnSums(layer(0, layout, 20, EX1), 4, 16, false);
        assertArrayEquals(new float[] {0.25f, 1 / 7f, 2 / 7f, 9 / 28f},
                ReviewWindows.scores(a, 16, 4, WindowStrategy.AVERAGE, false), 1e-6f);
        assertArrayEquals(new float[] {5 / 14f, 1 / 7f, 2 / 7f, 0.5f},
                ReviewWindows.scores(a, 16, 4, WindowStrategy.MAX, false), 1e-6f);
    }

    @Test
    void example1MaxAndAverageDisagree() {
        KvLayout layout = ConstructionC.layout(4, 1, GqaMode.NATIVE);
        LayerPrefill p = layer(0, layout, 20, EX1);
        assertArrayEquals(new int[] {8, 8, 2, 2}, policy(layout, 5, 5, WindowStrategy.MAX).layerBudgets());
        assertArrayEquals(range(8, 20), single(policy(layout, 5, 5, WindowStrategy.AVERAGE).select(p)));
        assertArrayEquals(concat(range(0, 4), range(12, 20)), single(policy(layout, 5, 5, WindowStrategy.MAX).select(p)));
    }

    @Test
    void example2WindowScoresAverageBothHeads() {
        KvLayout layout = ConstructionC.layout(4, 2, GqaMode.NATIVE);
        float[][] a = ObservationScores.columnSums(layer(0, layout, 21, EX2_HEAD0, EX2_HEAD1), 4, 17, false);
        float[] avg = ReviewWindows.scores(a, 17, 4, WindowStrategy.AVERAGE, false);
        assertArrayEquals(new float[] {10 / 64f, 12 / 64f, 12 / 64f, 13 / 64f, 17 / 16f}, avg, 1e-6f);
        assertEquals(Float.floatToIntBits(avg[1]), Float.floatToIntBits(avg[2]), "W1 and W2 tie exactly");
        float[] max = ReviewWindows.scores(a, 17, 4, WindowStrategy.MAX, false);
        assertArrayEquals(new float[] {6 / 32f, 0.25f, 0.25f, 9 / 32f, 17 / 16f}, max, 1e-6f);
        assertEquals(Float.floatToIntBits(max[1]), Float.floatToIntBits(max[2]), "W1 and W2 tie exactly");
    }

    @ParameterizedTest
    @EnumSource(WindowStrategy.class)
    void example2TieGoesToLowerWindowAndPartialWindowCounts(WindowStrategy strategy) {
        for (GqaMode mode : GqaMode.values()) {
            KvLayout layout = ConstructionC.layout(4, 2, mode);
            int[][] kept = policy(layout, 6, 4, strategy).select(layer(0, layout, 21, EX2_HEAD0, EX2_HEAD1));
            assertEquals(layout.storedHeads(), kept.length);
            assertArrayEquals(concat(range(4, 8), range(12, 21)), single(kept), mode + " " + strategy);
        }
    }

    @Test
    void example3GroupSharingAndOvershoot() {
        KvLayout layout = ConstructionC.layout(4, 1, GqaMode.NATIVE);
        WindowKvPolicy policy = policy(layout, 6, 4, WindowStrategy.MAX);
        assertArrayEquals(new int[] {9, 9, 3, 3}, policy.layerBudgets());
        int[] leader0 = single(policy.select(layer(0, layout, 21, V)));
        assertArrayEquals(concat(range(4, 16), range(17, 21)), leader0); // 12 review tokens > B = 9; 16 evicted
        assertArrayEquals(leader0, single(policy.select(layer(1, layout, 21, V_PRIME))));
        assertArrayEquals(concat(range(8, 12), range(17, 21)), single(policy.select(layer(2, layout, 21, V))));
        assertArrayEquals(concat(range(8, 12), range(17, 21)), single(policy.select(layer(3, layout, 21, V_PRIME))));
    }

    @Test
    void example3FollowerDataAloneWouldChooseOtherWindows() {
        KvLayout layout = ConstructionC.layout(4, 1, GqaMode.NATIVE);
        // As a leader (layer 0 of a fresh sequence), V' picks W1, W3, W0.
        int[] own = single(policy(layout, 6, 4, WindowStrategy.MAX).select(layer(0, layout, 21, V_PRIME)));
        assertArrayEquals(concat(range(0, 8), range(12, 16), range(17, 21)), own);
    }

    @Test
    void example3AverageScoresKeepTheSameSet() {
        KvLayout layout = ConstructionC.layout(4, 1, GqaMode.NATIVE);
        float[][] a = ObservationScores.columnSums(layer(0, layout, 21, V), 4, 17, false);
        assertArrayEquals(new float[] {0.133333f, 0.4f, 0.533333f, 0.266667f, 0.066667f},
                ReviewWindows.scores(a, 17, 4, WindowStrategy.MAX, false), 1e-6f);
        assertArrayEquals(new float[] {0.133333f, 0.266667f, 0.333333f, 0.25f, 0.066667f},
                ReviewWindows.scores(a, 17, 4, WindowStrategy.AVERAGE, false), 1e-6f);
        int[] kept = single(policy(layout, 6, 4, WindowStrategy.AVERAGE).select(layer(0, layout, 21, V)));
        assertArrayEquals(concat(range(4, 16), range(17, 21)), kept);
    }

    @Test
    void example3ShortPrompt() {
        KvLayout layout = ConstructionC.layout(4, 1, GqaMode.NATIVE);
        WindowKvPolicy policy = policy(layout, 6, 4, WindowStrategy.MAX);
        double[] v = Arrays.copyOf(V, 9);
        double[] vPrime = Arrays.copyOf(V_PRIME, 9);
        assertArrayEquals(range(0, 13), single(policy.select(layer(0, layout, 13, v))));
        assertArrayEquals(range(0, 13), single(policy.select(layer(1, layout, 13, vPrime))));
        assertArrayEquals(concat(range(4, 8), range(9, 13)), single(policy.select(layer(2, layout, 13, v))));
        assertArrayEquals(concat(range(4, 8), range(9, 13)), single(policy.select(layer(3, layout, 13, vPrime))));
    }

    @Test
    void allDroppedLeaderPublishesNothingForItsFollower() {
        KvLayout layout = ConstructionC.layout(4, 1, GqaMode.NATIVE);
        WindowKvPolicy policy = policy(layout, 6, 4, WindowStrategy.MAX);
        double[] uniform = new double[16];
        Arrays.fill(uniform, 1);
        assertArrayEquals(concat(range(0, 4), range(12, 20)), single(policy.select(layer(0, layout, 20, EX1))));
        assertArrayEquals(concat(range(0, 4), range(12, 20)), single(policy.select(layer(1, layout, 20, EX1))));
        // B = 3 < w: K_keep = 0. The reference's follower would reuse layer 0's 12 entries here.
        assertArrayEquals(range(16, 20), single(policy.select(layer(2, layout, 20, uniform))));
        assertArrayEquals(range(16, 20), single(policy.select(layer(3, layout, 20, EX1))));
    }

    @Test
    void strictBudgetCountsThePartialWindow() {
        KvLayout layout = ConstructionC.layout(4, 1, GqaMode.NATIVE);
        WindowKvPolicy strict = new WindowKvPolicy(layout, 6, options(2, 4, true), WindowStrategy.MAX, false);
        assertArrayEquals(concat(range(4, 12), range(16, 21)), single(strict.select(layer(0, layout, 21, V))));
    }

    @Test
    void followerBeforeItsLeaderIsRejected() {
        KvLayout layout = ConstructionC.layout(4, 1, GqaMode.NATIVE);
        WindowKvPolicy policy = policy(layout, 6, 4, WindowStrategy.MAX);
        policy.select(layer(0, layout, 21, V));
        var e = assertThrows(IllegalStateException.class, () -> policy.select(layer(3, layout, 21, V)));
        assertEquals("windowkv follower layer 3 needs leader layer 2 of the same prompt to run first", e.getMessage());
    }

    @Test
    void fp16EmulationKeepsTheHandComputedSelection() {
        KvLayout layout = ConstructionC.layout(4, 2, GqaMode.REPEAT);
        WindowKvPolicy policy = new WindowKvPolicy(layout, 6, options(2, 4, false), WindowStrategy.MAX, true);
        int[][] kept = policy.select(layer(0, layout, 21, EX2_HEAD0, EX2_HEAD1));
        assertEquals(2, kept.length);
        assertArrayEquals(concat(range(4, 8), range(12, 21)), single(kept));
    }
}
