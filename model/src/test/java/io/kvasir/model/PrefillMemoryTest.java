package io.kvasir.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kvasir.kernels.Parallel;
import java.lang.management.ManagementFactory;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The prefill's memory formula (README, "Memory of a long prompt") against what the JVM counts as
 * allocated when the prefill's buffers are made, and the array-limit refusal.
 */
class PrefillMemoryTest {
    /** A Llama-3-8B layer shape (hidden 4096, 32 heads, 8 KV heads of 128, MLP 14336), 2 layers. */
    private static ModelConfig llama8b(int layers) {
        return new ModelConfig("LlamaForCausalLM", 4096, 14336, layers, 32, 8, 128, 1e-5, 500000, null,
                131072, false, false, 128256, 128000, List.of(128001), null);
    }

    private static ModelConfig small() {
        return new ModelConfig("LlamaForCausalLM", 256, 512, 2, 8, 2, 32, 1e-5, 10000, null,
                4096, true, false, 1000, 1, List.of(2), null);
    }

    private static long allocatedBytes(Runnable r) {
        var bean = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().threadId();
        long before = bean.getThreadAllocatedBytes(id);
        r.run();
        return bean.getThreadAllocatedBytes(id) - before;
    }

    @Test
    void formulaMatchesTheBytesTheJvmAllocatesForThePrefillBuffers() {
        for (int tokens : new int[] {100, 3000, 20000}) {
            for (boolean mass : new boolean[] {false, true}) {
                ModelConfig c = small();
                int queryRows = Math.min(tokens, 32);
                Object[] keep = new Object[3];
                long measured = allocatedBytes(() -> {
                    keep[0] = ForwardState.prompt(c, tokens);
                    keep[1] = new PrefillAttention(c, tokens, mass);
                    keep[2] = new float[queryRows * c.qDim()];
                });
                // The score rows are taken by the attention tasks on the worker threads, one per task running at once.
                measured += (long) Parallel.threads() * tokens * Float.BYTES;
                long predicted = PrefillMemory.bytes(c, tokens, queryRows, mass);
                double ratio = (double) measured / predicted;
                assertTrue(ratio > 0.95 && ratio < 1.10, tokens + " tokens, mass " + mass + ": measured "
                        + measured + " B, formula " + predicted + " B (ratio " + ratio + ")");
            }
        }
    }

    @Test
    void longPromptCostsTokensTimesHiddenPlusThreeKvDimFloats() {
        ModelConfig c = llama8b(2);
        int tokens = 131072;
        long perToken = Float.BYTES * (4096L + 3 * 1024);
        long bytes = PrefillMemory.bytes(c, tokens, 64, false);
        // The O(chunk) scratch and the score rows are a few percent at 128K tokens: the x, K, V term is the peak.
        double ratio = (double) bytes / (perToken * tokens);
        assertTrue(ratio > 1.0 && ratio < 1.05, "ratio " + ratio);
        assertEquals(3.5, perToken * tokens / (double) (1L << 30), 1e-9, "GiB for 128K tokens of the 8B shape");
    }

    @Test
    void promptBeyondTheJavaArrayLimitIsRefusedBeforeAnythingIsAllocated() {
        ModelConfig c = llama8b(2);
        var e = assertThrows(IllegalArgumentException.class,
                () -> PrefillMemory.checkArrayLimits(c, 600_000, 64, false));
        assertEquals("a prompt of 600000 tokens is too long for one Java array: the residual stream x [tokens x hidden 4096]"
                + " would hold 2457600000 floats, beyond the limit of 2147483639; at most 524287 tokens fit", e.getMessage());
        PrefillMemory.checkArrayLimits(c, 524_287, 64, true);
    }
}
