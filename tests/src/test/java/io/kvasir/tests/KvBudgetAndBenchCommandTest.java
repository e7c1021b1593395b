package io.kvasir.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** --kv-budget through generate for every method and layout, and bench's synthetic context. */
class KvBudgetAndBenchCommandTest {
    static final ObjectMapper JSON = new ObjectMapper();
    /** 3 layers, 2 KV heads of 16 channels. */
    static final String MODEL = Fixtures.model("llama-gqa-bf16").toString();
    static final String PROMPT = "The quick brown fox jumps over the lazy dog. ".repeat(8);
    static final long LIMIT = 4096;

    private static List<String> methodFlags(String method) {
        List<String> flags = new ArrayList<>(List.of("--method", method, "--budget", "16", "--window", "4"));
        if (method.equals("windowkv")) {
            flags.addAll(List.of("--shared-layers", "3", "--task-type", "qa", "--suffix-max", "4", "--review-window", "4"));
        }
        return flags;
    }

    @TestFactory
    Stream<DynamicTest> kvBudgetPlansEveryMethodAndLayout() {
        return Stream.of("streamingllm", "h2o", "snapkv", "pyramidkv", "windowkv")
                .flatMap(method -> Stream.of("kivi", "reference", "kvquant").map(quant -> DynamicTest.dynamicTest(
                        method + " " + quant, () -> {
                            List<String> args = new ArrayList<>(List.of("generate", "--model", MODEL, "--prompt", PROMPT,
                                    "-n", "4", "--quant", quant, "--quant-group", "8", "--quant-residual", "0",
                                    "--kv-budget", LIMIT + "B", "--json"));
                            args.addAll(methodFlags(method));
                            Cli r = Cli.run(args.toArray(String[]::new));
                            assertEquals(0, r.exitCode(), r.err());
                            JsonNode kv = JSON.readTree(r.out()).get("kv");
                            JsonNode plan = kv.get("budget_plan");
                            assertTrue(plan.get("pruned").asBoolean(), plan.toString());
                            assertTrue(plan.get("bits").asInt() <= 4, plan.toString());
                            assertEquals(quant, kv.get("quant").asText());
                            assertTrue(kv.get("bytes").asLong() <= plan.get("planned_bytes").asLong(), kv.toString());
                            assertTrue(plan.get("planned_bytes").asLong() <= LIMIT, plan.toString());
                            assertTrue(r.err().contains("kvasir generate: --kv-budget: "), r.err());
                        })));
    }

    @Test
    void syntheticContextBenchComparesWidthsSideBySide() throws Exception {
        Cli r = Cli.run("bench", "--model", MODEL, "--synthetic-context", "40", "--new-tokens", "3", "--reps", "2",
                "--compare-kv-bits", "16,4", "--quant-group", "8", "--quant-residual", "0", "--json");
        assertEquals(0, r.exitCode(), r.err());
        JsonNode o = JSON.readTree(r.out());
        assertTrue(o.get("synthetic_context").asBoolean());
        JsonNode configs = o.get("configs");
        assertEquals(2, configs.size());
        for (JsonNode c : configs) {
            assertTrue(c.get("prefill_tok_s_median").isNull(), "no prefill ran");
            assertEquals(2, c.get("decode_tok_s").size());
            assertTrue(c.get("decode_tok_s_median").asDouble() > 0);
        }
        // 43 entries per head (40 synthetic + 3 decoded), 3 layers x 2 heads. Half precision: K and V x 16
        // channels x 2 bytes. 4 bits with G = 8, R = 0: 40 entries coded (16 x 4 / 8 bytes a row, fp16 scale
        // and zero per 8 tokens per channel and per 8 channels per token), 3 waiting in the fp16 residual.
        assertEquals(16, configs.get(0).get("kv_bits").asInt());
        assertEquals(6L * 2 * 16 * 2 * 43, configs.get(0).get("kv_bytes").asLong());
        long coded = 2L * 40 * 8 + 2L * 2 * (5 * 16 + 40 * 2);
        long residual = 2L * 2 * 3 * 16;
        assertEquals(6 * (coded + residual), configs.get(1).get("kv_bytes").asLong());
        assertEquals(6L * 2 * 16 * 2 * 43, configs.get(1).get("full_kv_bytes").asLong());
        // Effective bits: 8 x bytes over 6 heads x 43 entries x K and V x 16 channels.
        assertEquals(16.0, configs.get(0).get("kv_effective_bits").asDouble(), 0.0);
        assertEquals(8.0 * (coded + residual) / (43 * 2 * 16), configs.get(1).get("kv_effective_bits").asDouble(), 1e-12);
    }

    @Test
    void benchFlagConflictsAreOneLine() {
        String[] base = {"bench", "--model", MODEL, "--new-tokens", "2", "--reps", "1"};
        assertOneLine(run(base, "--synthetic-context", "40", "--method", "snapkv", "--budget", "16"), "--synthetic-context", "full");
        assertOneLine(run(base, "--synthetic-context", "40", "--prompt-tokens", "8"), "--synthetic-context");
        assertOneLine(run(base, "--compare-kv-bits", "16,4", "--kv-bits", "8"), "--compare-kv-bits");
        assertOneLine(run(base, "--compare-kv-bits", "16,3"), "--compare-kv-bits", "3");
        assertOneLine(run(base, "--synthetic-context", "40", "--backend", "tornado"), "--synthetic-context", "--backend cpu");
        assertOneLine(run(base, "--backend", "gpu"), "--backend", "gpu");
    }

    @Test
    void promptBenchReportsBackendAndFirstCallApart() throws Exception {
        Cli r = Cli.run("bench", "--model", MODEL, "--prompt-tokens", "12", "--new-tokens", "3", "--reps", "2", "--json");
        assertEquals(0, r.exitCode(), r.err());
        JsonNode o = JSON.readTree(r.out());
        assertEquals("cpu", o.get("backend").asText());
        // The warm-up run is reported on its own, and is not one of the measured runs.
        assertEquals(2, o.get("prefill_tok_s").size());
        assertEquals(2, o.get("decode_tok_s").size());
        assertTrue(o.get("first_call_prefill_tok_s").asDouble() > 0, r.out());
        assertTrue(o.get("first_call_decode_tok_s").asDouble() > 0, r.out());
    }

    private static Cli run(String[] base, String... extra) {
        return Cli.run(Stream.concat(Stream.of(base), Stream.of(extra)).toArray(String[]::new));
    }

    private static void assertOneLine(Cli r, String... mustContain) {
        assertEquals(2, r.exitCode(), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertFalse(r.err().contains("\tat "));
        for (String s : mustContain) {
            assertTrue(r.err().contains(s), "stderr should mention '" + s + "': " + r.err());
        }
    }
}
