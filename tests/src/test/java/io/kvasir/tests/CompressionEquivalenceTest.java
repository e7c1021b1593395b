package io.kvasir.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import io.kvasir.compression.CompressionConfig;
import io.kvasir.compression.CompressionConfigBuilder;
import io.kvasir.compression.cache.HeadStore;
import io.kvasir.compression.cache.KvCache;
import io.kvasir.model.GenerationRequest;
import io.kvasir.model.GenerationResult;
import io.kvasir.model.Generator;
import io.kvasir.model.Model;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The compression policies against an independent torch implementation written from the specs
 * (tests/tools/reference_compression.py, fixtures in fixtures/compression/): on each fixture model's
 * long prompt, every method in both GQA modes must keep exactly the reference's prompt positions per
 * layer and stored head, and free-running greedy decoding over the compressed cache must produce the
 * reference's tokens (and log-probabilities within 2e-3) up to the first near-tie. A budget at least
 * the prompt length must reproduce full KV, and native GQA must hold exactly 1/group of repeat mode's
 * bytes.
 */
class CompressionEquivalenceTest {
    static final double LOGPROB_TOLERANCE = 2e-3;
    static final double DECISIVE_GAP = 1e-3;
    static final Path DIR = Fixtures.ROOT.resolve("compression");

    @TestFactory
    Stream<DynamicTest> keptPositionsAndTokensMatchTheTorchReference() {
        List<DynamicTest> tests = new ArrayList<>();
        for (String name : Fixtures.MODELS) {
            JsonNode ref = Fixtures.json(DIR.resolve(name + ".json"));
            for (JsonNode c : ref.get("cases")) {
                tests.add(DynamicTest.dynamicTest(name + " / " + label(c), () -> checkCase(name, ref, c)));
            }
        }
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> budgetCoveringThePromptEqualsFull() {
        List<DynamicTest> tests = new ArrayList<>();
        for (String name : Fixtures.MODELS) {
            JsonNode ref = Fixtures.json(DIR.resolve(name + ".json"));
            int n = ref.get("prompt_length").asInt();
            JsonNode full = find(ref, "full", "repeat");
            for (JsonNode c : ref.get("cases")) {
                if (c.get("method").asText().equals("full") || !coversPrompt(c, n)) {
                    continue;
                }
                tests.add(DynamicTest.dynamicTest(name + " / " + label(c), () -> {
                    // the reference itself must say so, or the fixture is wrong
                    assertArrayEquals(Fixtures.ints(full.get("tokens")), Fixtures.ints(c.get("tokens")), "reference tokens");
                    try (Model model = Model.load(Fixtures.model(name))) {
                        GenerationResult ours = generate(model, ref, c, ref.get("new_tokens").asInt());
                        int[] fullTokens = Fixtures.ints(full.get("tokens"));
                        int[] got = ours.outputIds();
                        assertEquals(fullTokens.length, got.length, "tokens generated");
                        assertArrayEquals(fullTokens, got, "greedy tokens with a budget covering the prompt");
                        for (int l = 0; l < ref.get("layers").asInt(); l++) {
                            for (int s = 0; s < ours.cache().layout().storedHeads(); s++) {
                                assertEquals(n, promptPositions(ours.cache().head(l, s), n).length,
                                        "layer " + l + " stored head " + s + ": prompt entries kept");
                            }
                        }
                    }
                }));
            }
        }
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> nativeGqaHoldsOneGroupthOfRepeatBytes() {
        List<DynamicTest> tests = new ArrayList<>();
        for (String name : Fixtures.MODELS) {
            JsonNode ref = Fixtures.json(DIR.resolve(name + ".json"));
            int group = ref.get("query_heads").asInt() / ref.get("kv_heads").asInt();
            if (group == 1) {
                continue;
            }
            for (JsonNode repeat : ref.get("cases")) {
                if (!repeat.get("gqa_mode").asText().equals("repeat")) {
                    continue;
                }
                JsonNode nat = sibling(ref, repeat, "native");
                if (nat == null) {
                    continue;
                }
                tests.add(DynamicTest.dynamicTest(name + " / " + label(repeat).replace(" repeat", ""), () -> {
                    try (Model model = Model.load(Fixtures.model(name))) {
                        // one new token: the cache then holds exactly the compressed prompt
                        KvCache r = generate(model, ref, repeat, 1).cache();
                        KvCache v = generate(model, ref, nat, 1).cache();
                        assertEquals(ref.get("query_heads").asInt(), r.layout().storedHeads(), "repeat stored heads");
                        assertEquals(ref.get("kv_heads").asInt(), v.layout().storedHeads(), "native stored heads");
                        assertEquals(r.bytesHeld(), group * v.bytesHeld(),
                                "bytes held after prefill: repeat " + r.bytesHeld() + " vs native " + v.bytesHeld()
                                        + " (query heads per KV head " + group + ")");
                    }
                }));
            }
        }
        return tests.stream();
    }

    private static void checkCase(String name, JsonNode ref, JsonNode c) {
        int n = ref.get("prompt_length").asInt();
        int[] refTokens = Fixtures.ints(c.get("tokens"));
        try (Model model = Model.load(Fixtures.model(name))) {
            GenerationResult ours = generate(model, ref, c, refTokens.length);
            KvCache cache = ours.cache();
            assertEquals(c.get("stored_heads").asInt(), cache.layout().storedHeads(), "stored heads");
            List<String> mismatches = new ArrayList<>();
            JsonNode kept = c.get("kept");
            int generatedInCache = Math.max(0, ours.outputIds().length - 1);
            for (int l = 0; l < kept.size(); l++) {
                for (int s = 0; s < kept.get(l).size(); s++) {
                    HeadStore head = cache.head(l, s);
                    int[] want = Fixtures.ints(kept.get(l).get(s));
                    int[] got = promptPositions(head, n);
                    if (!Arrays.equals(want, got)) {
                        mismatches.add(describe(l, s, want, got));
                    }
                    assertEquals(got.length + generatedInCache, head.length(),
                            "layer " + l + " stored head " + s + ": entries = kept prompt + generated tokens fed back");
                }
            }
            if (!mismatches.isEmpty()) {
                fail(mismatches.size() + " of " + kept.size() * kept.get(0).size()
                        + " (layer, stored head) kept sets differ from the torch reference (reference cut margin "
                        + c.get("cut_margin") + "):\n  " + String.join("\n  ", mismatches));
            }
            compareTokens(model, ref, c, ours);
        }
    }

    private static void compareTokens(Model model, JsonNode ref, JsonNode c, GenerationResult ours) {
        int[] refTokens = Fixtures.ints(c.get("tokens"));
        JsonNode gaps = c.get("steps_gap");
        JsonNode logprobs = c.get("logprobs");
        Set<Integer> eos = new HashSet<>();
        ref.get("eos_token_ids").forEach(e -> eos.add(e.asInt()));
        int[] got = ours.outputIds();
        int compared = 0;
        for (int i = 0; i < refTokens.length; i++) {
            assertTrue(i < got.length, "generation stopped after " + got.length + " tokens; reference has " + refTokens.length);
            double diff = Math.abs(ours.steps().get(i).logprob() - logprobs.get(i).asDouble());
            assertTrue(diff < LOGPROB_TOLERANCE, "step " + i + ": logprob of the greedy token differs by " + diff
                    + " (ours " + ours.steps().get(i).logprob() + ", reference " + logprobs.get(i).asDouble() + ")");
            if (gaps.get(i).asDouble() <= DECISIVE_GAP) {
                break; // near-tie: either engine may take either token, the paths part here
            }
            assertEquals(refTokens[i], got[i], "greedy token " + i + " (reference gap " + gaps.get(i).asDouble()
                    + "); ours " + Arrays.toString(got) + ", reference " + Arrays.toString(refTokens));
            compared++;
            if (eos.contains(got[i])) {
                break;
            }
        }
        assertTrue(compared > 0, "no decisive step to compare");
    }

    private static GenerationResult generate(Model model, JsonNode ref, JsonNode c, int newTokens) {
        int[] prompt = Fixtures.ints(ref.get("prompt_ids"));
        return new Generator(model).generate(GenerationRequest.greedy(prompt, newTokens).withCompression(config(c)), p -> {});
    }

    /** The engine configuration for a reference case; parameter names are the reference's. */
    static CompressionConfig config(JsonNode c) {
        JsonNode p = c.get("params");
        CompressionConfigBuilder b = CompressionConfig.builder()
                .method(c.get("method").asText())
                .gqaMode(c.get("gqa_mode").asText());
        if (p.has("budget")) b.budget(p.get("budget").asInt());
        if (p.has("window")) b.window(p.get("window").asInt());
        if (p.has("kernel")) b.kernel(p.get("kernel").asInt());
        if (p.has("pooling")) b.pooling(p.get("pooling").asText());
        if (p.has("sink_tokens")) b.sinkTokens(p.get("sink_tokens").asInt());
        if (p.has("pyramid_beta")) b.pyramidBeta(p.get("pyramid_beta").asInt());
        if (p.has("review_window")) b.reviewWindow(p.get("review_window").asInt());
        if (p.has("shared_layers")) b.sharedLayers(p.get("shared_layers").asInt());
        if (p.has("suffix_max")) b.suffixMax(p.get("suffix_max").asInt());
        if (p.has("suffix_avg")) b.suffixAvg(p.get("suffix_avg").asInt());
        if (p.has("windowkv_beta")) b.windowKvBeta(p.get("windowkv_beta").asInt());
        if (p.has("task_type")) b.taskType(p.get("task_type").asText());
        if (p.has("strict_budget")) b.strictBudget(p.get("strict_budget").asBoolean());
        return b.build();
    }

    /** Original positions of the prompt entries (position < n), in cache order. */
    private static int[] promptPositions(HeadStore head, int n) {
        int[] out = new int[head.length()];
        int count = 0;
        for (int i = 0; i < head.length(); i++) {
            if (head.position(i) < n) {
                out[count++] = head.position(i);
            }
        }
        return Arrays.copyOf(out, count);
    }

    private static String describe(int layer, int head, int[] want, int[] got) {
        Set<Integer> w = new HashSet<>();
        Set<Integer> g = new HashSet<>();
        for (int p : want) w.add(p);
        for (int p : got) g.add(p);
        List<Integer> missing = new ArrayList<>(w.stream().filter(p -> !g.contains(p)).sorted().toList());
        List<Integer> extra = new ArrayList<>(g.stream().filter(p -> !w.contains(p)).sorted().toList());
        boolean sorted = true;
        for (int i = 1; i < got.length; i++) {
            sorted &= got[i - 1] < got[i];
        }
        return "layer " + layer + " stored head " + head + ": reference keeps " + want.length + ", engine " + got.length
                + "; missing " + missing + ", extra " + extra + (sorted ? "" : ", engine order not ascending");
    }

    private static boolean coversPrompt(JsonNode c, int n) {
        JsonNode budgets = c.get("layer_budgets");
        if (budgets != null) { // windowkv: every layer's review budget covers the review region
            int review = n - c.get("observation_window").asInt();
            for (JsonNode b : budgets) {
                if (b.asInt() < review) {
                    return false;
                }
            }
            return true;
        }
        return c.get("params").path("budget").asInt(0) >= n;
    }

    private static JsonNode find(JsonNode ref, String method, String mode) {
        for (JsonNode c : ref.get("cases")) {
            if (c.get("method").asText().equals(method) && c.get("gqa_mode").asText().equals(mode)) {
                return c;
            }
        }
        throw new AssertionError("no " + method + " " + mode + " case in the fixture");
    }

    private static JsonNode sibling(JsonNode ref, JsonNode c, String mode) {
        for (JsonNode o : ref.get("cases")) {
            if (o.get("method").equals(c.get("method")) && o.get("params").equals(c.get("params"))
                    && o.get("gqa_mode").asText().equals(mode)) {
                return o;
            }
        }
        return null;
    }

    private static String label(JsonNode c) {
        StringBuilder s = new StringBuilder(c.get("method").asText());
        for (var e : c.get("params").properties()) {
            if (!e.getKey().equals("suffix_max") && !e.getKey().equals("suffix_avg") && !e.getKey().equals("strict_budget")) {
                s.append(' ').append(e.getKey()).append('=').append(e.getValue().asText());
            }
        }
        return s.append(' ').append(c.get("gqa_mode").asText()).toString();
    }
}
