package io.kvasir.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** The commands' happy paths, against transformers' recorded outputs where there is one. */
class CliTest {
    static final String MODEL = "qwen2-bias-f32";

    private static JsonNode json(Cli r) throws Exception {
        assertEquals(0, r.exitCode(), r.err());
        return new ObjectMapper().readTree(r.out());
    }

    @Test
    void generateJsonCarriesTheStableFields() throws Exception {
        JsonNode ref = Fixtures.json(Fixtures.model(MODEL).resolve("reference.json")).get("cases").get(0);
        JsonNode r = json(Cli.run("generate", "--model", Fixtures.model(MODEL).toString(), "--prompt",
                ref.get("prompt").asText(), "--max-new-tokens", "4", "--json"));
        assertArrayEquals(Fixtures.ints(ref.get("prompt_ids")), Fixtures.ints(r.get("prompt_ids")));
        assertEquals(4, r.get("output_ids").size());
        assertEquals(4, r.get("steps").size());
        JsonNode step = r.get("steps").get(0);
        assertEquals(ref.get("steps").get(0).get("id").asInt(), step.get("id").asInt());
        assertEquals(ref.get("steps").get(0).get("logprob").asDouble(), step.get("logprob").asDouble(), 2e-3);
        assertEquals(5, step.get("top").size());
        assertEquals(step.get("id").asInt(), step.get("top").get(0).get(0).asInt());
        for (String k : new String[] {"prefill_ms", "decode_ms", "prefill_tok_s", "decode_tok_s"}) {
            assertTrue(r.get("timings").get(k).asDouble() >= 0, k);
        }
        JsonNode kv = r.get("kv");
        var cfg = Fixtures.json(Fixtures.model(MODEL).resolve("config.json"));
        int layers = cfg.get("num_hidden_layers").asInt();
        int kvHeads = cfg.get("num_key_value_heads").asInt();
        int headDim = cfg.get("hidden_size").asInt() / cfg.get("num_attention_heads").asInt();
        // Prompt plus 3 decoded tokens are cached (the last generated token is never fed back).
        long tokens = ref.get("prompt_ids").size() + 3;
        assertEquals(2 * tokens * layers * kvHeads * headDim * 4, kv.get("bytes").asLong());
        assertEquals(kv.get("bytes").asLong(), kv.get("full_kv_bytes").asLong());
    }

    @Test
    void sameSeedSameText() throws Exception {
        String[] args = {"generate", "--model", Fixtures.model(MODEL).toString(), "--prompt", "hello",
            "--max-new-tokens", "12", "--temperature", "1.0", "--top-p", "0.9", "--top-k", "50", "--json"};
        JsonNode a = json(Cli.run(args));
        JsonNode b = json(Cli.run(args));
        assertEquals(a.get("output_ids"), b.get("output_ids"));
    }

    @Test
    void tokenizeRoundTrips() throws Exception {
        JsonNode cases = Fixtures.json(Fixtures.ROOT.resolve("tokenizers").resolve(MODEL + ".json")).get("cases");
        JsonNode c = cases.get(1);
        JsonNode r = json(Cli.run("tokenize", "--model", Fixtures.model(MODEL).toString(), "--text",
                c.get("text").asText(), "--json"));
        assertArrayEquals(Fixtures.ints(c.get("ids_with_special")), Fixtures.ints(r.get("ids")));
        StringBuilder ids = new StringBuilder();
        for (JsonNode id : c.get("ids")) {
            ids.append(ids.isEmpty() ? "" : ",").append(id.asInt());
        }
        JsonNode d = json(Cli.run("tokenize", "--model", Fixtures.model(MODEL).toString(), "--decode", ids.toString(), "--json"));
        assertEquals(c.get("decoded").asText(), d.get("text").asText());
    }

    @Test
    void inspectCountsParametersAndKvBytes() throws Exception {
        JsonNode r = json(Cli.run("inspect", "--model", Fixtures.model("llama-gqa-bf16").toString(), "--json"));
        var cfg = Fixtures.json(Fixtures.model("llama-gqa-bf16").resolve("config.json"));
        int layers = cfg.get("num_hidden_layers").asInt();
        int kvHeads = cfg.get("num_key_value_heads").asInt();
        int headDim = r.get("head_dim").asInt();
        assertEquals(2L * layers * kvHeads * headDim * 4, r.get("kv_bytes_per_token_f32").asLong());
        assertEquals(2L * r.get("parameters").asLong(), r.get("weight_bytes").get("BF16").asLong());
    }
}
