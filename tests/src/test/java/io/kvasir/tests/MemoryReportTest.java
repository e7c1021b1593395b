package io.kvasir.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** generate --json's memory object, and inspect --prompt-tokens predicting it before the run. */
class MemoryReportTest {
    private static final String MODEL = "llama-gqa-bf16";

    private static JsonNode json(Cli r) throws Exception {
        assertEquals(0, r.exitCode(), r.err());
        return new ObjectMapper().readTree(r.out());
    }

    @Test
    void inspectPredictsTheForwardPeakThatGenerateReports() throws Exception {
        String model = Fixtures.model(MODEL).toString();
        String prompt = "the quick brown fox jumps over the lazy dog ".repeat(40);
        for (String[] method : new String[][] {{"--method", "full"}, {"--method", "streamingllm", "--budget", "16"}}) {
            String[] gen = {"generate", "--model", model, "--prompt", prompt, "--max-new-tokens", "1", "--json"};
            JsonNode run = json(Cli.run(concat(gen, method)));
            int tokens = run.get("prompt_ids").size();
            JsonNode memory = run.get("memory");
            // One new token comes from the prefill's logits: no decode, so the cache ends as the prefill left it.
            assertEquals(run.get("kv").get("bytes").asLong(), memory.get("kv_after_prefill_bytes").asLong());
            assertEquals(memory.get("prefill_bytes").asLong() + memory.get("kv_after_prefill_bytes").asLong(),
                    memory.get("forward_peak_bytes").asLong());
            assertTrue(memory.get("peak_rss_bytes").asLong() > memory.get("forward_peak_bytes").asLong(), memory.toString());
            assertTrue(memory.get("peak_heap_bytes").asLong() > 0, memory.toString());
            String[] inspect = {"inspect", "--model", model, "--json", "--prompt-tokens", Integer.toString(tokens)};
            JsonNode predicted = json(Cli.run(concat(inspect, method))).get("prediction");
            assertEquals(memory.get("prefill_bytes").asLong(), predicted.get("prefill_bytes").asLong(), String.join(" ", method));
            assertEquals(memory.get("forward_peak_bytes").asLong(), predicted.get("forward_peak_bytes").asLong(),
                    String.join(" ", method));
        }
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
