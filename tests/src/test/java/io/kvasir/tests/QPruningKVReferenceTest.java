package io.kvasir.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.kvasir.compression.CompressionConfig;
import io.kvasir.compression.CompressionMethods;
import io.kvasir.compression.cache.HeadStore;
import io.kvasir.compression.cache.KvCache;
import io.kvasir.compression.cache.KvStorage;
import io.kvasir.compression.cache.QuantScheme;
import io.kvasir.compression.cache.ReferenceLayerQuantizer;
import io.kvasir.compression.policy.GqaMode;
import io.kvasir.model.GenerationRequest;
import io.kvasir.model.GenerationResult;
import io.kvasir.model.Generator;
import io.kvasir.model.Model;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * {@code --quant reference} against QPruningKV's own code (tests/tools/qpruning_reference.py: its
 * SnapKV selection, transformers' HQQ quantized-cache layer and hqq 0.2.2's quantizer) on the three
 * fixture models: 8/4/2 bits, full cache and SnapKV, groups of 64 and 32. Each case feeds the
 * reference's greedy ids and checks that kvasir's own top-1 equals the reference's id at each of the
 * 20 steps (so a free greedy run produces the same ids), that the log-probabilities stay within
 * {@link #SHIFT_MULTIPLE} times the reference's own sensitivity, and that SnapKV's entries are held in
 * the reference's cache order.
 */
class QPruningKVReferenceTest {
    /**
     * The log-probability bound of a case, as a multiple of what the reference itself moves when every
     * float32 K/V entry is multiplied by (1 + 1e-5 u), u uniform in [-1, 1], before its cache rounds it
     * to fp16 and quantizes it (the fixture's perturbed_logprob_shift, largest of 5 draws). Two float32
     * forwards differ by that much (float32 and float64 K/V of the fixture models differ by up to 8e-3
     * relative in small entries), and an entry that sits on an fp16 or code rounding boundary then moves
     * by a whole step: with the prompt K/V replaced by kvasir's, the reference agrees with kvasir to
     * 6.3e-4 where it otherwise differs by 1.2e-2 (llama snapkv G=64 8-bit). The noise was 1e-6 at
     * first; when the prefill GEMM changed kvasir's summation order, qwen2 snapkv G=32 4-bit moved by
     * 4.6e-2 (one code flip, greedy ids unchanged) against a 1e-6 shift of 6.9e-4, while 1e-5 noise
     * moves the reference itself by 4.8e-2 there. With float32 dequantization, ascending store order or
     * a one-division inverse scale, 21, 18 and 10 of the 36 cases failed against the 1e-6 bounds;
     * float32 dequantization re-checked against the 1e-5 bounds still fails 8 of this class's 42 tests.
     */
    static final double SHIFT_MULTIPLE = 2;

    @TestFactory
    Stream<DynamicTest> referenceLayoutReproducesQPruningKV() {
        List<DynamicTest> tests = new ArrayList<>();
        for (String name : Fixtures.MODELS) {
            JsonNode ref = Fixtures.json(Fixtures.ROOT.resolve("qpruning").resolve(name + ".json"));
            for (JsonNode c : ref.get("cases")) {
                String label = name + " " + c.get("method").asText() + " G=" + c.get("group").asInt() + " "
                        + c.get("bits").asInt() + "-bit";
                tests.add(DynamicTest.dynamicTest(label, () -> check(name, ref, c)));
            }
        }
        return tests.stream();
    }

    private static void check(String name, JsonNode ref, JsonNode c) throws Exception {
        int[] prompt = Fixtures.ints(ref.get("prompt_ids"));
        int[] tokens = Fixtures.ints(c.get("tokens"));
        JsonNode snap = ref.get("snapkv");
        CompressionConfig config = CompressionConfig.builder()
                .method(CompressionMethods.parse(c.get("method").asText()))
                .budget(snap.get("budget").asInt()).window(snap.get("window").asInt())
                .kernel(snap.get("kernel").asInt()).pooling(snap.get("pooling").asText())
                .gqaMode(GqaMode.REPEAT).build();
        // Residual 0: the reference's residual never flushes in 20 steps, and this layout never flushes.
        KvStorage storage = KvStorage.of(c.get("bits").asInt())
                .withQuantization(QuantScheme.REFERENCE, c.get("group").asInt(), 0);
        try (Model model = Model.load(Fixtures.model(name))) {
            GenerationRequest req = GenerationRequest.greedy(prompt, tokens.length).withCompression(config)
                    .withKvStorage(storage).withForcedIds(tokens);
            GenerationResult r = new Generator(model).generate(req, s -> {});
            assertEquals(tokens.length, r.steps().size());
            double worst = 0;
            for (int i = 0; i < tokens.length; i++) {
                GenerationResult.Step step = r.steps().get(i);
                assertEquals(tokens[i], step.topIds()[0], "greedy id at step " + i);
                worst = Math.max(worst, Math.abs(step.logprob() - c.get("logprobs").get(i).asDouble()));
            }
            System.out.printf("%s %s G=%d %d-bit: largest |dlogprob| %.2e (reference moves %.2e under 1e-5 K/V noise)%n",
                    name, c.get("method").asText(), c.get("group").asInt(), c.get("bits").asInt(), worst,
                    c.get("perturbed_logprob_shift").asDouble());
            double bound = SHIFT_MULTIPLE * c.get("perturbed_logprob_shift").asDouble();
            assertTrue(worst <= bound, "largest |dlogprob| " + worst + " > " + bound);
            if (c.has("store_order")) {
                checkStoreOrder(r.cache(), c.get("store_order"));
            }
        }
    }

    @TestFactory
    Stream<DynamicTest> quantizerMatchesHqqBitForBit() {
        // hqq 0.2.2's own codes and fp16 dequantization of a small [1, H, T, D] cache (the fixture tool
        // checks that float32 dequantization or a one-division inverse scale would change some values).
        JsonNode ref = Fixtures.json(Fixtures.ROOT.resolve("qpruning").resolve("hqq-roundtrip.json"));
        int heads = ref.get("heads").asInt();
        int tokens = ref.get("tokens").asInt();
        int dim = ref.get("dim").asInt();
        float[][] keys = perHead(floats(ref.get("keys")), heads);
        float[][] values = perHead(floats(ref.get("values")), heads);
        int[][] positions = new int[heads][];
        for (int h = 0; h < heads; h++) {
            positions[h] = IntStream.range(0, tokens).toArray();
        }
        return StreamSupport.stream(ref.get("cases").spliterator(), false).map(c -> DynamicTest.dynamicTest(
                c.get("bits").asInt() + "-bit G=" + c.get("group").asInt(), () -> {
                    HeadStore[] stores = ReferenceLayerQuantizer.quantize(0, keys, values, positions, dim,
                            c.get("bits").asInt(), c.get("group").asInt(), tokens);
                    float[] expectedKeys = floats(c.get("keys"));
                    float[] expectedValues = floats(c.get("values"));
                    float[] k = new float[dim];
                    float[] v = new float[dim];
                    for (int h = 0; h < heads; h++) {
                        for (int t = 0; t < tokens; t++) {
                            stores[h].readKey(t, k, 0);
                            stores[h].readValue(t, v, 0);
                            int at = (h * tokens + t) * dim;
                            assertArrayEquals(Arrays.copyOfRange(expectedKeys, at, at + dim), k, 0f, "key h" + h + " t" + t);
                            assertArrayEquals(Arrays.copyOfRange(expectedValues, at, at + dim), v, 0f, "value h" + h + " t" + t);
                        }
                    }
                }));
    }

    private static float[] floats(JsonNode array) {
        float[] out = new float[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) array.get(i).asDouble();
        }
        return out;
    }

    private static float[][] perHead(float[] flat, int heads) {
        int n = flat.length / heads;
        float[][] out = new float[heads][];
        for (int h = 0; h < heads; h++) {
            out[h] = Arrays.copyOfRange(flat, h * n, (h + 1) * n);
        }
        return out;
    }

    /** Every layer and stored head holds its prompt entries in the reference's cache order. */
    private static void checkStoreOrder(KvCache cache, JsonNode order) {
        for (int l = 0; l < order.size(); l++) {
            for (int h = 0; h < order.get(l).size(); h++) {
                int[] expected = Fixtures.ints(order.get(l).get(h));
                HeadStore s = cache.head(l, h);
                int[] held = new int[expected.length];
                for (int i = 0; i < held.length; i++) {
                    held[i] = s.position(i);
                }
                assertArrayEquals(expected, held, "layer " + l + " head " + h + " cache order");
            }
        }
    }
}
