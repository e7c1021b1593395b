package io.kvasir.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.kvasir.compression.CompressionConfig;
import io.kvasir.compression.KvCache;
import io.kvasir.compression.KvStorage;
import io.kvasir.compression.QuantScheme;
import io.kvasir.model.GenerationRequest;
import io.kvasir.model.Generator;
import io.kvasir.model.Model;
import java.util.stream.Stream;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** Whole-model checks of the quantized cache on the fixture models. */
class QuantizedCacheTest {
    static final int GROUP = 8;
    static final int RESIDUAL = 0;

    private static int[] prompt(String name) {
        JsonNode c = Fixtures.json(Fixtures.model(name).resolve("reference.json")).get("cases").get(0);
        return Fixtures.ints(c.get("prompt_ids"));
    }

    @TestFactory
    Stream<DynamicTest> eightBitCacheStaysCloseToFloat32() {
        // 8-bit codes with G = 8 and no residual: every full group of cached tokens is quantized, so
        // the decode steps attend over codes. Measured when this test was written, the largest
        // log-probability change over 12 steps on the three fixtures was 0.050 (llama), 0.046
        // (mistral), 0.027 (qwen2); the bound leaves 2x headroom. A wrong scale, zero or packing order moves log-probabilities by
        // whole units on these sharp random models.
        return Fixtures.MODELS.stream().map(name -> DynamicTest.dynamicTest(name, () -> {
            try (Model model = Model.load(Fixtures.model(name))) {
                GenerationRequest f32 = GenerationRequest.greedy(prompt(name), 12);
                KvStorage eight = KvStorage.of(8).withQuantization(QuantScheme.KIVI, GROUP, RESIDUAL);
                var a = new Generator(model).generate(f32, s -> {});
                var b = new Generator(model).generate(f32.withKvStorage(eight).withForcedIds(a.outputIds()), s -> {});
                assertTrue(b.cache().bytesHeld() < a.cache().bytesHeld() / 2, "8-bit cache is smaller");
                double worst = 0;
                for (int i = 0; i < a.steps().size(); i++) {
                    double d = Math.abs(a.steps().get(i).logprob() - b.steps().get(i).logprob());
                    worst = Math.max(worst, d);
                    assertEquals(a.steps().get(i).logprob(), b.steps().get(i).logprob(), TOLERANCE, "step " + i);
                }
                System.out.printf("%s: 8-bit largest |dlogprob| %.5f%n", name, worst);
            }
        }));
    }

    static final double TOLERANCE = 0.1;

    @TestFactory
    Stream<DynamicTest> fourBitBytesAreWhatTheFormulaSays() {
        return Fixtures.MODELS.stream().map(name -> DynamicTest.dynamicTest(name, () -> {
            try (Model model = Model.load(Fixtures.model(name))) {
                int residual = 3;
                KvStorage four = KvStorage.of(4).withQuantization(QuantScheme.KIVI, GROUP, residual);
                GenerationRequest req = GenerationRequest.greedy(prompt(name), 10).withKvStorage(four)
                        .withCompression(CompressionConfig.builder().build());
                KvCache cache = new Generator(model).generate(req, s -> {}).cache();
                int d = cache.layout().headDim();
                long expected = 0;
                for (int[] layer : cache.lengths()) {
                    for (int t : layer) {
                        // docs/methods/kivi.md#bytes-per-token: quantized tokens cost 2 * D * (4/8 + 4/G); the residual (the last R..R+G-1
                        // tokens) 2 * D * 2. The oldest G residual tokens are quantized whenever it reaches R + G.
                        int quantized = t < residual + GROUP ? 0 : (t - residual) / GROUP * GROUP;
                        expected += Math.round(quantized * 2.0 * d * (4 / 8.0 + 4.0 / GROUP)) + 4L * d * (t - quantized);
                    }
                }
                assertEquals(expected, cache.bytesHeld());
            }
        }));
    }

    @Test
    void generateJsonReportsQuantizationAndTheByteBreakdown() throws Exception {
        String model = Fixtures.model("mistral-mha-f16").toString();
        Cli r = Cli.run("generate", "--model", model, "--prompt", "The quick brown fox jumps over the lazy dog", "-n", "6",
                "--kv-bits", "4", "--quant", "kvquant", "--quant-group", "8", "--quant-residual", "2", "--json");
        assertEquals(0, r.exitCode(), r.err());
        JsonNode kv = new ObjectMapper().readTree(r.out()).get("kv");
        assertEquals(4, kv.get("bits").asInt());
        assertEquals("kvquant", kv.get("quant").asText());
        long sum = 0;
        for (JsonNode layer : kv.get("layers")) {
            JsonNode parts = layer.get("bytes_breakdown");
            long layerSum = parts.get("codes").asLong() + parts.get("scales_zeros").asLong()
                    + parts.get("residual_fp16").asLong() + parts.get("outliers").asLong() + parts.get("unquantized").asLong();
            assertEquals(layer.get("bytes").asLong(), layerSum);
            assertTrue(parts.get("codes").asLong() > 0, "codes were written");
            long heads = 0;
            for (JsonNode h : layer.get("head_bytes")) {
                heads += h.asLong();
            }
            assertEquals(layerSum, heads);
            sum += layerSum;
        }
        assertEquals(kv.get("bytes").asLong(), sum);

        Cli planned = Cli.run("generate", "--model", model, "--prompt", "The quick brown fox jumps over the lazy dog", "-n", "4",
                "--method", "snapkv", "--budget", "12", "--quant-group", "8", "--quant-residual", "0", "--kv-budget", "8KiB", "--json");
        assertEquals(0, planned.exitCode(), planned.err());
        JsonNode plan = new ObjectMapper().readTree(planned.out()).get("kv").get("budget_plan");
        assertEquals(8192, plan.get("limit_bytes").asLong());
        assertEquals(4, plan.get("bits").asInt(), plan.get("reason").asText());
        assertTrue(plan.get("planned_bytes").asLong() <= 8192);
        assertTrue(new ObjectMapper().readTree(planned.out()).get("kv").get("bytes").asLong() <= 8192,
                "the cache holds no more than the budget");
        assertTrue(planned.err().contains("--kv-budget:"), planned.err());
    }

    @Test
    void referenceLayoutBytesAreBrokenDownIntoCodesScalesAndFp16Tokens() throws Exception {
        // mistral: 4 KV heads x 24 channels; 4-bit, G = 8. docs/methods/kivi.md#bytes-per-token, docs/methods/reference.md#the-rule: the T prompt entries are codes
        // (D/2 bytes per head, K and V) plus 2 fp16 numbers per group of the layer's 4 x T x 24 elements
        // (K and V), and every generated token appended to the cache stays fp16 (the residual never flushes).
        Cli r = Cli.run("generate", "--model", Fixtures.model("mistral-mha-f16").toString(), "--prompt",
                "The quick brown fox jumps over the lazy dog", "-n", "6", "--kv-bits", "4", "--quant", "reference",
                "--quant-group", "8", "--json");
        assertEquals(0, r.exitCode(), r.err());
        JsonNode kv = new ObjectMapper().readTree(r.out()).get("kv");
        for (JsonNode layer : kv.get("layers")) {
            JsonNode parts = layer.get("bytes_breakdown");
            int prompt = layer.get("kept_prompt_tokens").get(0).asInt();
            int generated = layer.get("held_tokens").get(0).asInt() - prompt;
            assertTrue(prompt > 0 && generated > 0, "prompt and generated tokens held");
            assertEquals(2L * 4 * prompt * 24 / 2, parts.get("codes").asLong());
            assertEquals(2L * 2 * (4L * prompt * 24 / 8) * 2, parts.get("scales_zeros").asLong());
            assertEquals(2L * 4 * generated * 24 * 2, parts.get("residual_fp16").asLong());
            assertEquals(0, parts.get("outliers").asLong());
            assertEquals(0, parts.get("unquantized").asLong());
            assertEquals(layer.get("bytes").asLong(), parts.get("codes").asLong() + parts.get("scales_zeros").asLong()
                    + parts.get("residual_fp16").asLong());
        }
    }
}
