package io.kvasir.compression.windowkv;

import static io.kvasir.compression.windowkv.ConstructionC.concat;
import static io.kvasir.compression.windowkv.ConstructionC.range;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** docs/methods/windowkv.md#budgets-and-keep-counts: group budget schedules and keep counts; plus window positions. */
class BudgetAndSelectionTest {
    @Test
    void llama3GroupBudgets() {
        assertArrayEquals(new int[] {2926, 2341, 1756, 1170}, new GroupBudget(32, 8, 2048, 14).groups());
        assertArrayEquals(new int[] {1463, 1171, 879, 585}, new GroupBudget(32, 8, 1024, 14).groups());
        assertArrayEquals(new int[] {732, 586, 440, 292}, new GroupBudget(32, 8, 512, 14).groups());
        int[] perLayer = new GroupBudget(32, 8, 2048, 14).perLayer();
        assertEquals(8, Arrays.stream(perLayer).filter(b -> b == 2341).count());
        assertEquals(2341, perLayer[8]);
        assertEquals(2341, perLayer[15]);
        assertEquals(1756, perLayer[16]);
    }

    @Test
    void smallGroupBudgets() {
        assertArrayEquals(new int[] {9, 3}, new GroupBudget(4, 2, 6, 4).groups());
        assertArrayEquals(new int[] {9, 9, 3, 3}, new GroupBudget(4, 2, 6, 4).perLayer());
        assertArrayEquals(new int[] {8, 8, 2, 2}, new GroupBudget(4, 2, 5, 5).perLayer());
        assertArrayEquals(new int[] {18, 18, 12, 12, 6, 6}, new GroupBudget(6, 2, 12, 4).perLayer());
    }

    @Test
    void perLayerPyramidWithLastGroupSetExplicitly() {
        int[] b = new GroupBudget(32, 1, 2048, 14).perLayer();
        assertEquals(3950, b[0]);
        assertEquals(3828, b[1]);
        for (int l = 1; l <= 30; l++) {
            assertEquals(-122, b[l] - b[l - 1], "step at layer " + l);
        }
        assertEquals(412, b[29]);
        assertEquals(290, b[30]);
        assertEquals(146, b[31]);
    }

    @Test
    void groupCountMustDivideLayers() {
        var e = assertThrows(IllegalArgumentException.class, () -> new GroupBudget(28, 8, 2048, 14));
        assertEquals("windowkv shared-layers (8) must divide the model's layer count (28)", e.getMessage());
    }

    @Test
    void singleGroupIsUniformAndInversionIsFlagged() {
        assertArrayEquals(new int[] {512, 512, 512, 512}, new GroupBudget(4, 4, 512, 14).perLayer());
        assertTrue(new GroupBudget(4, 2, 6, 2).inverted());
        assertFalse(new GroupBudget(32, 8, 2048, 14).inverted());
    }

    @ParameterizedTest
    @CsvSource({"16,4,8,2", "17,4,9,3", "17,4,3,1", "9,4,3,1", "16,4,3,0", "17,4,0,0", "7918,8,1170,146", "7918,8,2926,366"})
    void keepCounts(int reviewLength, int w, int budget, int expected) {
        assertEquals(expected, WindowSelection.keepCount(reviewLength, w, budget));
    }

    @Test
    void keptWindowsAtDefaultBudgets() {
        // T = 7950, s = 32, w = 8, M = 2048: windows kept per group 366, 292, 219, 146 (docs/methods/windowkv.md#budgets-and-keep-counts).
        int[] groups = new GroupBudget(32, 8, 2048, 14).groups();
        int[] kept = Arrays.stream(groups).map(b -> WindowSelection.keepCount(7918, 8, b)).toArray();
        assertArrayEquals(new int[] {366, 292, 219, 146}, kept);
    }

    @Test
    void positionsAreAscendingWindowsThenObservationWindow() {
        // L = 17, w = 4: window 4 is the partial {16}.
        assertArrayEquals(concat(range(4, 8), range(12, 17), range(17, 21)),
                WindowSelection.positions(new int[] {1, 3, 4}, 17, 4, 21));
        assertArrayEquals(range(17, 21), WindowSelection.positions(new int[0], 17, 4, 21));
    }

    @Test
    void strictBudgetNeverExceedsTheBudget() {
        // Example 3 layer-0 "max" scores: W0 0.133, W1 0.4, W2 0.533, W3 0.267, W4 0.067.
        float[] scores = {0.133333f, 0.4f, 0.533333f, 0.266667f, 0.066667f};
        assertArrayEquals(new int[] {1, 2, 3}, WindowSelection.best(scores, WindowSelection.keepCount(17, 4, 9)));
        // Soft rule keeps 12 review tokens for B = 9; strict keeps W2, W1 and the 1-token W4.
        assertArrayEquals(new int[] {1, 2, 4}, WindowSelection.bestWithin(scores, 17, 4, 9));
        assertArrayEquals(new int[] {2}, WindowSelection.bestWithin(scores, 17, 4, 4));
        assertArrayEquals(new int[] {4}, WindowSelection.bestWithin(scores, 17, 4, 3));
    }
}
