package io.kvasir.tests;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.kvasir.compression.CompressionPolicy;
import io.kvasir.compression.KvCache;
import io.kvasir.compression.KvLayout;
import io.kvasir.compression.KvStorage;
import io.kvasir.model.ForwardPass;
import io.kvasir.model.GenerationRequest;
import io.kvasir.model.Model;
import io.kvasir.model.ModelConfig;
import io.kvasir.model.Sampler;
import java.lang.management.ManagementFactory;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Decode keeps its scratch buffers in a state allocated once (issue #15 item 5): after warm-up a
 * decoded token allocates only the few small tasks that spread a layer's loops over the cores, on
 * any thread, however long the context. Before, every token allocated every activation, the logits
 * and one score row per head and layer as long as the cache: at the context used here that was
 * about 57 KB per token on these fixture models (3.5 KB now).
 */
class DecodeAllocationTest {
    private static final int PROMPT = 600;
    private static final int WARM_UP = 300;
    private static final int MEASURED = 200;
    /** Per token: about 30 small task objects (lambdas, fork/join chunks), ~100 bytes each. */
    private static final long BYTES_PER_TOKEN = 8 * 1024;

    @ParameterizedTest
    @ValueSource(strings = {"llama-gqa-bf16", "qwen2-bias-f32"})
    void decodeAllocatesNoBuffersPerToken(String name) {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assumeTrue(threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled(),
                "this JVM does not count allocated bytes per thread");
        try (Model model = Model.load(Fixtures.model(name))) {
            ModelConfig c = model.config();
            ForwardPass forward = model.forward();
            int[] prompt = new int[PROMPT];
            for (int i = 0; i < PROMPT; i++) {
                prompt[i] = (i * 7919) % c.vocabSize();
            }
            GenerationRequest req = GenerationRequest.greedy(prompt, WARM_UP + MEASURED);
            KvLayout layout = req.compression().layoutFor(c.numLayers(), c.numKvHeads(), c.numHeads(), c.headDim());
            KvCache cache = new KvCache(layout, KvStorage.F32, PROMPT + WARM_UP + MEASURED);
            CompressionPolicy policy = req.compression().create(layout, KvStorage.F32, "", Optional.empty());
            float[] logits = forward.prefill(prompt, cache, policy);
            int position = PROMPT;
            for (int i = 0; i < WARM_UP; i++) {
                logits = forward.decode(Sampler.argmax(logits), position++, cache);
            }
            // All threads: the attention heads run on the fork/join workers.
            long before = threads.getTotalThreadAllocatedBytes();
            for (int i = 0; i < MEASURED; i++) {
                logits = forward.decode(Sampler.argmax(logits), position++, cache);
            }
            long perToken = (threads.getTotalThreadAllocatedBytes() - before) / MEASURED;
            assertTrue(perToken < BYTES_PER_TOKEN, name + ": decode allocated " + perToken + " bytes per token");
        }
    }
}
