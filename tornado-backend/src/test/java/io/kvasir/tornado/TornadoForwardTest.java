package io.kvasir.tornado;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kvasir.compression.CompressionConfig;
import io.kvasir.compression.cache.KvCache;
import io.kvasir.compression.cache.KvStorage;
import io.kvasir.compression.cache.QuantScheme;
import io.kvasir.model.GenerationRequest;
import io.kvasir.model.GenerationResult;
import io.kvasir.model.Generator;
import io.kvasir.model.Model;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Whole-model greedy generation with decode on the device equals the CPU backend's, token for token,
 * on the committed fixture models (llama3 rope scaling + bf16, Mistral MHA + f16, Qwen2 biases + f32),
 * with the full cache and with SnapKV and WindowKV caches (their prefill and selection run on the CPU),
 * in float32 and in KIVI caches (4-bit; 2 and 8 bits once each) that the device appends to and quantizes,
 * and with prefill (SnapKV's selection included) on the device. The host cache the backend keeps as
 * its accounting mirror must report what the CPU run's cache does: entries and kept positions per
 * head, bytes held, peak bytes, tokens seen.
 *
 * <p>Log-probabilities agree to 1e-4 relative with a float32 cache: both backends hold the same
 * values up to float32 rounding. A KIVI cache keeps recent entries in half precision, and a decoded
 * K/V that differs from the CPU's in its last float32 bits can round to the neighbouring half value,
 * so there the bound is the residual's own precision, 2^-11 relative. Entries quantized from the CPU
 * prefill are identical (same half values, same float operations, same codes), but once the device
 * quantizes a decoded entry a half-ulp difference can move a value across a code boundary, a change
 * of one whole quantization step that no small tolerance covers: from that step on only the greedy
 * ids must agree. The device's quantization itself is checked to 1e-5 against KiviHeadStore on
 * identical inputs in {@link QuantKernelsTest}.
 */
class TornadoForwardTest {
    private static final Path FIXTURES = Path.of(System.getProperty("kvasir.fixtures", "../tests/fixtures/models"));
    private static final int NEW_TOKENS = 12;

    @ParameterizedTest(name = "{0} {1} {2}-bit")
    @CsvSource({
        "llama-gqa-bf16, full, 32", "llama-gqa-bf16, snapkv, 32", "llama-gqa-bf16, windowkv, 32",
        "mistral-mha-f16, full, 32", "mistral-mha-f16, snapkv, 32", "mistral-mha-f16, windowkv, 32",
        "qwen2-bias-f32, full, 32", "qwen2-bias-f32, windowkv, 32",
        "llama-gqa-bf16, full, 4", "mistral-mha-f16, snapkv, 4", "qwen2-bias-f32, windowkv, 2",
        "llama-gqa-bf16, snapkv, 8"})
    void greedyTokensEqualTheCpuBackend(String model, String method, int bits) {
        try (Model m = Model.load(FIXTURES.resolve(model))) {
            GenerationRequest req = request(m, model.hashCode(), 40, method, bits);
            try (TornadoForward device = new TornadoForward(m, NEW_TOKENS)) {
                assertSameAsCpu(m, req, new Generator(m, device).generate(req, piece -> {}), model + " " + method);
            }
        }
    }

    /** One TornadoForward serves consecutive requests (a sweep) with one device plan: weights uploaded once. */
    @Test
    void consecutiveRequestsReuseTheDevicePlan() {
        try (Model m = Model.load(FIXTURES.resolve("qwen2-bias-f32"))) {
            GenerationRequest first = request(m, 1, 40, "full", 4);
            GenerationRequest second = request(m, 2, 30, "snapkv", 4);
            try (TornadoForward device = new TornadoForward(m, NEW_TOKENS)) {
                Generator generator = new Generator(m, device);
                assertSameAsCpu(m, first, generator.generate(first, piece -> {}), "first request");
                assertSameAsCpu(m, second, generator.generate(second, piece -> {}), "second request");
                assertSameAsCpu(m, first, generator.generate(first, piece -> {}), "first request again");
                assertEquals(1, device.plansBuilt(), "device plans built (each uploads the weights)");
            }
        }
    }

    /** Prefill on the device (batched projections, causal attention, K/V into the device cache). */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"llama-gqa-bf16", "mistral-mha-f16", "qwen2-bias-f32"})
    void prefillOnTheDeviceEqualsTheCpuBackend(String model) {
        try (Model m = Model.load(FIXTURES.resolve(model))) {
            GenerationRequest req = request(m, model.hashCode(), 40, "full", 32);
            try (TornadoForward device = new TornadoForward(m, NEW_TOKENS, true)) {
                GenerationResult onDevice = new Generator(m, device).generate(req, piece -> {});
                assertEquals(1, device.devicePrefills(), "prefills on the device");
                assertSameAsCpu(m, req, onDevice, model + " device prefill");
            }
        }
    }

    /**
     * SnapKV's selection in the device prefill (scores, GQA reduction, pooling, top-k, gather): the
     * same greedy ids as the CPU, and every stored head keeps the budget (12 tokens) of a 40-token
     * prompt; a 10-token prompt, which the budget covers, is kept whole. One plan serves both and a
     * full-cache request after them.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"llama-gqa-bf16", "mistral-mha-f16", "qwen2-bias-f32"})
    void snapKvPrefillOnTheDeviceEqualsTheCpuBackend(String model) {
        try (Model m = Model.load(FIXTURES.resolve(model))) {
            GenerationRequest selecting = request(m, model.hashCode(), 40, "snapkv", 32);
            GenerationRequest covered = request(m, 6, 10, "snapkv", 32);
            GenerationRequest full = request(m, 7, 33, "full", 32);
            try (TornadoForward device = new TornadoForward(m, NEW_TOKENS, true)) {
                Generator generator = new Generator(m, device);
                GenerationResult onDevice = generator.generate(selecting, piece -> {});
                assertSameAsCpu(m, selecting, onDevice, model + " snapkv device prefill");
                assertKept(onDevice, 12);
                GenerationResult whole = generator.generate(covered, piece -> {});
                assertSameAsCpu(m, covered, whole, model + " snapkv, prompt within the budget");
                assertKept(whole, 10);
                GenerationResult after = generator.generate(full, piece -> {});
                assertSameAsCpu(m, full, after, model + " full after snapkv");
                assertKept(after, 33);
                assertEquals(3, device.devicePrefills(), "prefills on the device");
                assertEquals(1, device.plansBuilt(), "device plans built (each uploads the weights)");
            }
        }
    }

    /**
     * SnapKV's other settings on the device: one stored head per query head (GQA mode repeat) with
     * average pooling, and per-KV-head storage with max aggregation and no pooling.
     */
    @ParameterizedTest(name = "{0} {1} {2}")
    @CsvSource({"repeat, avgpool, mean", "native, none, max"})
    void snapKvSettingsOnTheDeviceEqualTheCpuBackend(String gqaMode, String pooling, String aggregation) {
        try (Model m = Model.load(FIXTURES.resolve("llama-gqa-bf16"))) {
            int[] prompt = new Random(8).ints(40, 0, m.config().vocabSize()).toArray();
            CompressionConfig compression = CompressionConfig.builder().method("snapkv").budget(14).window(5).kernel(5)
                    .gqaMode(gqaMode).pooling(pooling).aggregation(aggregation).build();
            GenerationRequest req = GenerationRequest.greedy(prompt, NEW_TOKENS).withCompression(compression)
                    .withKvStorage(KvStorage.F32);
            try (TornadoForward device = new TornadoForward(m, NEW_TOKENS, true)) {
                GenerationResult onDevice = new Generator(m, device).generate(req, piece -> {});
                assertEquals(1, device.devicePrefills(), "prefills on the device");
                assertSameAsCpu(m, req, onDevice, gqaMode + " " + pooling + " " + aggregation);
                assertKept(onDevice, 14);
            }
        }
    }

    /** Every stored head of the host cache holds this many prompt entries, plus the decoded ones. */
    private static void assertKept(GenerationResult r, int prompt) {
        int entries = prompt + r.steps().size() - 1;
        for (int[] layer : r.cache().lengths()) {
            for (int n : layer) {
                assertEquals(entries, n, "entries kept per stored head");
            }
        }
    }

    /** Device-prefill and CPU-prefill requests alternate on one float32 plan. */
    @Test
    void devicePrefillAndCpuPrefillRequestsShareOnePlan() {
        try (Model m = Model.load(FIXTURES.resolve("llama-gqa-bf16"))) {
            GenerationRequest full = request(m, 3, 40, "full", 32);
            GenerationRequest snap = request(m, 4, 35, "windowkv", 32);
            GenerationRequest shorter = request(m, 5, 17, "full", 32);
            try (TornadoForward device = new TornadoForward(m, NEW_TOKENS, true)) {
                Generator generator = new Generator(m, device);
                assertSameAsCpu(m, full, generator.generate(full, piece -> {}), "device prefill");
                assertSameAsCpu(m, snap, generator.generate(snap, piece -> {}), "cpu prefill (windowkv)");
                assertSameAsCpu(m, shorter, generator.generate(shorter, piece -> {}), "device prefill, shorter prompt");
                assertEquals(1, device.plansBuilt(), "device plans built (each uploads the weights)");
            }
        }
    }

    /**
     * Steps whose logits come from caches whose codes cannot differ: all of them for float32; for KIVI
     * the steps before the first flush that quantizes a decoded entry. A host store holding n entries
     * has quantized(n) = 0 for n < R + G, else G * floor((n - R) / G).
     */
    private static int stepsBeforeCodeDifferences(KvStorage storage, GenerationResult onCpu) {
        int steps = onCpu.steps().size();
        if (storage.bits() == 32) {
            return steps;
        }
        int g = storage.group();
        int r = storage.residual();
        int limit = steps;
        int[][] lengths = onCpu.cache().lengths();
        for (int[] layer : lengths) {
            for (int n : layer) {
                int kept = n - (steps - 1);
                for (int step = 1; step < steps; step++) {
                    int held = kept + step;
                    if (held >= r + g && g * ((held - r) / g) > kept) {
                        limit = Math.min(limit, step);
                        break;
                    }
                }
            }
        }
        return limit;
    }

    private static GenerationRequest request(Model m, int seed, int promptLength, String method, int bits) {
        int[] prompt = new Random(seed).ints(promptLength, 0, m.config().vocabSize()).toArray();
        CompressionConfig compression = switch (method) {
            case "snapkv" -> CompressionConfig.builder().method("snapkv").budget(12).window(4).kernel(3).build();
            case "windowkv" -> CompressionConfig.builder().method("windowkv").budget(12).reviewWindow(4)
                    .suffixMax(4).suffixAvg(4).sharedLayers(1).taskType("other").build();
            default -> CompressionConfig.builder().build();
        };
        // KIVI with G = 8, R = 4 (G divides every fixture's head dimension): the prompt is mostly codes
        // after prefill, and decode flushes the residual to codes on the device.
        KvStorage storage = bits == 32 ? KvStorage.F32 : KvStorage.of(bits).withQuantization(QuantScheme.KIVI, 8, 4);
        return GenerationRequest.greedy(prompt, NEW_TOKENS).withCompression(compression).withKvStorage(storage);
    }

    /**
     * Same greedy ids and log-probabilities (see the class comment) as the CPU backend, and the same
     * host cache accounting: the host cache mirrors the device caches' lengths, kept positions and bytes.
     */
    private static void assertSameAsCpu(Model m, GenerationRequest req, GenerationResult onDevice, String what) {
        GenerationResult onCpu = new Generator(m).generate(req, piece -> {});
        assertArrayEquals(onCpu.outputIds(), onDevice.outputIds(), what);
        KvCache cpuCache = onCpu.cache();
        KvCache hostCache = onDevice.cache();
        assertArrayEquals(cpuCache.lengths(), hostCache.lengths(), what + ": entries per layer and stored head");
        for (int l = 0; l < cpuCache.lengths().length; l++) {
            for (int s = 0; s < cpuCache.lengths()[l].length; s++) {
                for (int i = 0; i < cpuCache.head(l, s).length(); i++) {
                    assertEquals(cpuCache.head(l, s).position(i), hostCache.head(l, s).position(i), what + ": position, layer " + l);
                }
            }
        }
        assertEquals(cpuCache.bytesHeld(), hostCache.bytesHeld(), what + ": bytes held");
        assertEquals(cpuCache.peakBytes(), hostCache.peakBytes(), what + ": peak bytes");
        assertEquals(cpuCache.tokensSeen(), hostCache.tokensSeen(), what + ": tokens seen");
        double tolerance = req.kvStorage().bits() == 32 ? 1e-4 : 0x1p-11;
        for (int i = 0; i < stepsBeforeCodeDifferences(req.kvStorage(), onCpu); i++) {
            float a = onCpu.steps().get(i).logprob();
            float b = onDevice.steps().get(i).logprob();
            assertTrue(Math.abs(a - b) <= tolerance * Math.max(1, Math.abs(a)), what + " step " + i + ": " + a + " vs " + b
                    + " ids " + Arrays.toString(onCpu.outputIds()));
        }
    }
}
