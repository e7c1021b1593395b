package io.kvasir.bench.ruler;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** RULER string_match_all, hand-checked values. */
class StringMatchAllTest {
    @Test
    void perExampleShareOfReferencesFoundCaseInsensitively() {
        assertEquals(1.0, StringMatchAll.example("The number is 1234.", List.of("1234")));
        assertEquals(0.5, StringMatchAll.example("answer: X, Z", List.of("x", "Y")));
        assertEquals(0.0, StringMatchAll.example("", List.of("a")));
        assertEquals(0.75, StringMatchAll.example("apple BANANA cherry", List.of("Apple", "banana", "Cherry", "date")));
    }

    @Test
    void taskScoreIsRoundedMeanTimes100() {
        // (1 + 0.5 + 0) / 3 * 100 = 50.0; (1 + 0 + 0) / 3 * 100 = 33.333... -> 33.33
        assertEquals(50.0, StringMatchAll.task(List.of("a", "a", "z"), List.of(List.of("a"), List.of("a", "b"), List.of("c"))));
        assertEquals(33.33, StringMatchAll.task(List.of("a", "z", "z"), List.of(List.of("a"), List.of("b"), List.of("c"))));
    }
}
