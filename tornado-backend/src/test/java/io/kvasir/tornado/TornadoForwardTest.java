package io.kvasir.tornado;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kvasir.compression.CompressionConfig;
import io.kvasir.compression.KvStorage;
import io.kvasir.compression.QuantScheme;
import io.kvasir.model.GenerationRequest;
import io.kvasir.model.GenerationResult;
import io.kvasir.model.Generator;
import io.kvasir.model.Model;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Whole-model greedy generation with decode on the device equals the CPU backend's, token for token,
 * on the committed fixture models (llama3 rope scaling + bf16, Mistral MHA + f16, Qwen2 biases + f32),
 * with the full cache and with SnapKV and WindowKV caches (their prefill and selection run on the CPU),
 * in float32 and in a 4-bit KIVI cache that the device appends to and quantizes.
 */
class TornadoForwardTest {
    private static final Path FIXTURES = Path.of(System.getProperty("kvasir.fixtures", "../tests/fixtures/models"));
    private static final int NEW_TOKENS = 12;

    @ParameterizedTest(name = "{0} {1} {2}-bit")
    @CsvSource({
        "llama-gqa-bf16, full, 32", "llama-gqa-bf16, snapkv, 32", "llama-gqa-bf16, windowkv, 32",
        "mistral-mha-f16, full, 32", "mistral-mha-f16, snapkv, 32", "mistral-mha-f16, windowkv, 32",
        "qwen2-bias-f32, full, 32", "qwen2-bias-f32, windowkv, 32",
        "llama-gqa-bf16, full, 4", "mistral-mha-f16, snapkv, 4"})
    void greedyTokensEqualTheCpuBackend(String model, String method, int bits) {
        try (Model m = Model.load(FIXTURES.resolve(model))) {
            int[] prompt = new Random(model.hashCode()).ints(40, 0, m.config().vocabSize()).toArray();
            CompressionConfig compression = switch (method) {
                case "snapkv" -> CompressionConfig.builder().method("snapkv").budget(12).window(4).kernel(3).build();
                case "windowkv" -> CompressionConfig.builder().method("windowkv").budget(12).reviewWindow(4)
                        .suffixMax(4).suffixAvg(4).sharedLayers(1).taskType("other").build();
                default -> CompressionConfig.builder().build();
            };
            // KIVI with G = 8, R = 4 (G divides every fixture's head dimension): the 40-token prompt is mostly
            // codes after prefill, and decode flushes the residual to codes on the device twice.
            KvStorage storage = bits == 32 ? KvStorage.F32 : KvStorage.of(bits).withQuantization(QuantScheme.KIVI, 8, 4);
            GenerationRequest req = GenerationRequest.greedy(prompt, NEW_TOKENS).withCompression(compression)
                    .withKvStorage(storage);
            GenerationResult onCpu = new Generator(m).generate(req, piece -> {});
            GenerationResult onDevice;
            try (TornadoForward device = new TornadoForward(m, NEW_TOKENS)) {
                onDevice = new Generator(m, device).generate(req, piece -> {});
            }
            assertArrayEquals(onCpu.outputIds(), onDevice.outputIds(), model + " " + method);
            // Log-probabilities agree to float precision, not just the argmax.
            for (int i = 0; i < onCpu.steps().size(); i++) {
                float a = onCpu.steps().get(i).logprob();
                float b = onDevice.steps().get(i).logprob();
                assertTrue(Math.abs(a - b) <= 1e-4 * Math.max(1, Math.abs(a)), "step " + i + ": " + a + " vs " + b
                        + " ids " + Arrays.toString(onCpu.outputIds()));
            }
        }
    }
}
