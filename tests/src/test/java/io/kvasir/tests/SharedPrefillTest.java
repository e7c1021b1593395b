package io.kvasir.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.kvasir.compression.CompressionConfig;
import io.kvasir.compression.cache.HeadStore;
import io.kvasir.compression.cache.KvCache;
import io.kvasir.compression.cache.KvStorage;
import io.kvasir.compression.cache.QuantScheme;
import io.kvasir.model.GenerationRequest;
import io.kvasir.model.GenerationResult;
import io.kvasir.model.Generator;
import io.kvasir.model.Model;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * One prefill for many caches ({@link Generator#generateSharingPrefill}, what {@code kvasir demo} runs
 * per prompt) against one {@link Generator#generate} per request on the fixture models: every method
 * mix (observation windows of different sizes, H2O's attention mass, a 4-bit KIVI cache, full KV) must
 * give exactly the separate run's tokens, log-probs and alternatives, kept positions per layer and
 * stored head, and KV bytes.
 */
class SharedPrefillTest {
    static final int NEW_TOKENS = 12;

    @TestFactory
    Stream<DynamicTest> oneSharedPrefillEqualsSeparatePrefills() {
        return Fixtures.MODELS.stream().map(name -> DynamicTest.dynamicTest(name, () -> {
            try (Model model = Model.load(Fixtures.model(name))) {
                int[] prompt = Fixtures.ints(Fixtures.json(CompressionEquivalenceTest.DIR.resolve(name + ".json")).get("prompt_ids"));
                List<GenerationRequest> requests = requests(prompt);
                Generator generator = new Generator(model);
                // a first round only compiles: the JIT's tiers round differently (SameSteps), and this compares exactly
                separate(generator, requests);
                generator.generateSharingPrefill(requests);
                List<GenerationResult> separate = separate(generator, requests);
                List<GenerationResult> shared = generator.generateSharingPrefill(requests);
                assertEquals(requests.size(), shared.size());
                for (int i = 0; i < requests.size(); i++) {
                    assertSameResult(separate.get(i), shared.get(i), name + " / " + requests.get(i).compression().method().cliName()
                            + " #" + i);
                }
            }
        }));
    }

    private static List<GenerationResult> separate(Generator generator, List<GenerationRequest> requests) {
        List<GenerationResult> out = new ArrayList<>();
        for (GenerationRequest req : requests) out.add(generator.generate(req, s -> {}));
        return out;
    }

    @Test
    void requestsWithDifferentPromptsAreRefused() {
        try (Model model = Model.load(Fixtures.model(Fixtures.MODELS.getFirst()))) {
            var e = assertThrows(IllegalArgumentException.class, () -> new Generator(model).generateSharingPrefill(
                    List.of(GenerationRequest.greedy(new int[] {1, 2, 3}, 2), GenerationRequest.greedy(new int[] {1, 2, 4}, 2))));
            assertEquals("requests that share a prefill must have the same prompt ids", e.getMessage());
        }
    }

    /** Every method the demo compares, with budgets well under the prompt and two observation-window sizes. */
    private static List<GenerationRequest> requests(int[] prompt) {
        KvStorage fourBit = KvStorage.of(4).withQuantization(QuantScheme.KIVI, 8, 8);
        List<GenerationRequest> out = new ArrayList<>();
        out.add(request(prompt, "full", 64, 8, KvStorage.F32));
        out.add(request(prompt, "streamingllm", 64, 8, KvStorage.F32));
        out.add(request(prompt, "h2o", 64, 8, KvStorage.F32));
        out.add(request(prompt, "snapkv", 64, 8, KvStorage.F32));
        out.add(request(prompt, "snapkv", 48, 32, KvStorage.F16));
        out.add(request(prompt, "pyramidkv", 64, 8, KvStorage.F32));
        out.add(request(prompt, "windowkv", 64, 8, KvStorage.F32));
        out.add(request(prompt, "h2o", 96, 16, fourBit));
        out.add(request(prompt, "snapkv", 128, 8, fourBit));
        return out;
    }

    private static GenerationRequest request(int[] prompt, String method, int budget, int window, KvStorage storage) {
        return GenerationRequest.greedy(prompt, NEW_TOKENS).withKvStorage(storage)
                .withCompression(CompressionConfig.builder().method(method).budget(budget).window(window).build());
    }

    private static void assertSameResult(GenerationResult want, GenerationResult got, String what) {
        assertArrayEquals(want.outputIds(), got.outputIds(), what + ": greedy ids");
        assertEquals(want.text(), got.text(), what + ": text");
        assertEquals(want.stopReason(), got.stopReason(), what + ": stop reason");
        assertEquals(want.steps().size(), got.steps().size(), what + ": steps");
        for (int i = 0; i < want.steps().size(); i++) {
            GenerationResult.Step w = want.steps().get(i), g = got.steps().get(i);
            assertEquals(w.logprob(), g.logprob(), 0f, what + ": step " + i + " log-prob");
            assertArrayEquals(w.topIds(), g.topIds(), what + ": step " + i + " alternatives");
            assertArrayEquals(w.topLogprobs(), g.topLogprobs(), 0f, what + ": step " + i + " alternatives' log-probs");
        }
        KvCache wc = want.cache(), gc = got.cache();
        assertEquals(wc.bytesHeld(), gc.bytesHeld(), what + ": KV bytes held");
        assertEquals(want.memory(), got.memory(), what + ": memory report");
        for (int l = 0; l < wc.layout().layers(); l++) {
            for (int s = 0; s < wc.layout().storedHeads(); s++) {
                assertArrayEquals(positions(wc.head(l, s)), positions(gc.head(l, s)), what + ": layer " + l + " head " + s + " positions");
            }
        }
    }

    private static int[] positions(HeadStore head) {
        int[] out = new int[head.length()];
        Arrays.setAll(out, head::position);
        return out;
    }
}
