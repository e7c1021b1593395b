package io.kvasir.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kvasir.bench.needle.Haystack;
import io.kvasir.bench.ruler.RulerGenerator;
import io.kvasir.model.Model;
import io.kvasir.tokenizer.Tokenizer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * RULER cwe and fwe generation: the expected answers are recounted here from the generated prompt text, the
 * prompt fits its token budget, and a seed gives the same examples.
 */
class RulerWordExtractionTest {
    private static final Pattern NUMBERED = Pattern.compile("(\\d+)\\. (\\S+)");
    private static Model model;

    @BeforeAll
    static void load() throws Exception {
        model = Model.load(Fixtures.model("qwen2-bias-f32"));
    }

    @AfterAll
    static void close() throws Exception {
        model.close();
    }

    private static ObjectNode example(String task, long seed, int length) {
        return new RulerGenerator(model.tokenizer(), seed, Haystack.builtIn()).example(task, 0, length);
    }

    @Test
    void cweAnswersAreTheTenMostCommonWordsOfTheList() {
        // The fixture tokenizer has 700 tokens, about one per character: RULER's 4096-token settings need 10000 here.
        for (int length : new int[] {2000, 10000}) {
            ObjectNode o = example("cwe", 7, length);
            String input = o.get("input").asText();
            // The question's list is the last one; the first is the one-shot demonstration.
            String list = input.substring(input.lastIndexOf("Memorize the ones that appear most often.\n"));
            list = list.substring(list.indexOf('\n') + 1, list.indexOf("\nQuestion:"));
            Matcher m = NUMBERED.matcher(list);
            Map<String, Integer> counts = new HashMap<>();
            int expectNumber = 1;
            while (m.find()) {
                assertEquals(expectNumber++, Integer.parseInt(m.group(1)), "numbering");
                counts.merge(m.group(2), 1, Integer::sum);
            }
            List<Map.Entry<String, Integer>> byCount = new ArrayList<>(counts.entrySet());
            byCount.sort(Map.Entry.<String, Integer>comparingByValue(Comparator.reverseOrder()));
            int common = length >= 4096 ? 30 : 6, rare = length >= 4096 ? 3 : 1;
            for (int i = 0; i < byCount.size(); i++) assertEquals(i < 10 ? common : rare, byCount.get(i).getValue(), "count rank " + i);
            assertTrue(byCount.size() > 30, "distinct words " + byCount.size());
            var top10 = new HashSet<String>();
            byCount.subList(0, 10).forEach(e -> top10.add(e.getKey()));
            assertEquals(top10, new HashSet<>(strings(o)), "outputs = the 10 most common words at length " + length);
            assertTrue(input.endsWith(" Answer: The top 10 words that appear most often in the list are:"));
            assertFits(model.tokenizer(), "cwe", input, length);
        }
    }

    @Test
    void fweAnswersAreTheThreeMostFrequentCodedWordsAfterTheNoise() {
        for (int length : new int[] {1500, 6000}) {
            ObjectNode o = example("fwe", 11, length);
            String input = o.get("input").asText();
            String text = input.substring(input.indexOf("coded words. ") + "coded words. ".length(), input.indexOf("\nQuestion:"));
            Map<String, Integer> counts = new HashMap<>();
            for (String w : text.split(" ")) counts.merge(w, 1, Integer::sum);
            List<Map.Entry<String, Integer>> byCount = new ArrayList<>(counts.entrySet());
            byCount.sort(Map.Entry.<String, Integer>comparingByValue(Comparator.reverseOrder()));
            assertEquals("...", byCount.get(0).getKey(), "the noise word is the most frequent");
            assertTrue(byCount.get(3).getValue() > byCount.get(4).getValue(), "a unique top three");
            assertEquals(List.of(byCount.get(1).getKey(), byCount.get(2).getKey(), byCount.get(3).getKey()), strings(o));
            for (String w : strings(o)) assertTrue(w.matches("[a-z]{6}"), w);
            // Zipf counts floor(n / (k^2 zeta(2))) leave the rarest of the (length - 64) // 50 vocabulary words out.
            assertTrue(counts.size() >= 5 && counts.size() <= (length - 64) / 50, "distinct words " + counts.size());
            // Zipf with alpha 2: the count of rank k is the top count / k^2, up to the floors.
            int top = byCount.get(0).getValue();
            for (int k = 2; k <= 5; k++) {
                assertEquals(top / (double) (k * k), byCount.get(k - 1).getValue(), 1.0, "count of rank " + k);
            }
            assertFits(model.tokenizer(), "fwe", input, length);
        }
    }

    @Test
    void aSeedGivesTheSameExamplesAndAnotherSeedOthers() {
        for (String task : List.of("cwe", "fwe")) {
            assertEquals(example(task, 3, 2000), example(task, 3, 2000), task);
            assertNotEquals(example(task, 3, 2000).get("input"), example(task, 4, 2000).get("input"), task);
        }
    }

    @Test
    void tooShortALengthIsRefused() {
        var e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> example("cwe", 1, 120));
        assertTrue(e.getMessage().contains("too short"), e.getMessage());
    }

    /** Fits the budget (length - 64 new tokens) and uses most of it: the generator searched for the largest size. */
    /** RULER's sizing: input tokens without special tokens plus the task's tokens_to_generate fit the length. */
    private static void assertFits(Tokenizer t, String task, String input, int length) {
        int budget = length - RulerGenerator.tokensToGenerate(task);
        int tokens = t.encode(input, false).length;
        assertTrue(tokens <= budget && tokens > budget * 0.9, tokens + " tokens for " + length);
    }

    private static List<String> strings(ObjectNode o) {
        List<String> out = new ArrayList<>();
        o.get("outputs").forEach(n -> out.add(n.asText()));
        return out;
    }
}
