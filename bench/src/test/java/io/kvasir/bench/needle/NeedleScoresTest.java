package io.kvasir.bench.needle;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.awt.Color;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The grid, heatmap metric and colormap, and test vectors of docs/benchmarks.md#needle-in-a-haystack. */
class NeedleScoresTest {
    @Test
    void referenceGrid() {
        NeedleGrid g = NeedleGrid.of(1000, 8000, 100, NeedleGrid.depths(10));
        assertEquals(71, g.lengths().size());
        assertEquals(8000, g.maxLength());
        assertEquals(List.of(0, 11, 22, 33, 44, 56, 67, 78, 89, 100), g.depths());
        assertEquals(List.of(1000, 1300), NeedleGrid.of(1000, 1500, 300, NeedleGrid.depths(2)).lengths());
    }

    @Test
    void heatmapScoreVectorsOfSpec78() {
        assertEquals(1.0, NeedleScores.heatmap("eat a sandwich and sit in Dolores Park on a sunny day."), 1e-12);
        assertEquals(1.0, NeedleScores.heatmap(NeedleScores.NEEDLE.strip()), 1e-12);
        assertEquals(0.0, NeedleScores.heatmap("Go to the Golden Gate Bridge."), 1e-12);
        assertEquals(3.0 / 11, NeedleScores.heatmap("eating sandwiches in Dolores Park"), 1e-12);
    }

    @Test
    void answerWordsOfTheDefaultNeedleAreVisualizePysElevenWords() {
        assertEquals(java.util.Set.of("eat", "a", "sandwich", "and", "sit", "in", "dolores", "park", "on", "sunny", "day."),
                NeedleScores.answerWords(NeedleScores.NEEDLE, NeedleScores.QUESTION));
        assertEquals(java.util.Set.of("blue", "whales", "sing."),
                NeedleScores.answerWords("Blue whales sing.", "What do you remember?"), "no restated question: all words");
        assertEquals(NeedleScores.rouge1x10("eat a sandwich in Dolores Park"),
                NeedleTask.DEFAULT.score("eat a sandwich in Dolores Park"), 0.0);
        assertEquals(NeedleScores.heatmap("eat a sandwich in Dolores Park"),
                NeedleTask.DEFAULT.recall("eat a sandwich in Dolores Park"), 0.0);
    }

    @Test
    void colormapEnds() {
        assertEquals(new Color(0xF0496E), HeatmapImage.color(0));
        assertEquals(new Color(0xEBB839), HeatmapImage.color(0.5));
        assertEquals(new Color(0x0CD79F), HeatmapImage.color(1));
    }
}
