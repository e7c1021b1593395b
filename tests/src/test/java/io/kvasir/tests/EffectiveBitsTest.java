package io.kvasir.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #14 item 7: labels say what was measured. Effective bits per cached entry come from the bytes
 * held (checked here against the entry counts of the same JSON), a width that quantizes nothing is
 * warned about, the automatic residual lets a pruned cache hold codes, and compare names model and run
 * and refuses files kvasir did not write.
 */
class EffectiveBitsTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String MODEL = "llama-gqa-bf16";
    static final String PROMPT = "The quick brown fox jumps over the lazy dog and keeps running far away from the farm";

    static Cli generate(String... extra) {
        String[] base = {"generate", "--model", Fixtures.model(MODEL).toString(), "--prompt", PROMPT,
            "--max-new-tokens", "4", "--json", "--method", "snapkv", "--budget", "16", "--window", "4"};
        String[] args = new String[base.length + extra.length];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        return Cli.run(args);
    }

    /** 8 x bytes / (2 x entries held x head dimension), from the JSON's own layer counts. */
    static double bitsFromCounts(JsonNode kv) {
        JsonNode cfg = Fixtures.json(Fixtures.model(MODEL).resolve("config.json"));
        int headDim = cfg.get("hidden_size").asInt() / cfg.get("num_attention_heads").asInt();
        long entries = 0;
        for (JsonNode layer : kv.get("layers")) for (JsonNode h : layer.get("held_tokens")) entries += h.asLong();
        return 8.0 * kv.get("bytes").asLong() / (2.0 * entries * headDim);
    }

    @Test
    void floatWidthsAreWhatTheyAre() throws Exception {
        for (int bits : new int[] {32, 16}) {
            Cli r = generate("--kv-bits", String.valueOf(bits));
            assertEquals(0, r.exitCode(), r.err());
            JsonNode kv = JSON.readTree(r.out()).get("kv");
            assertEquals(bits, kv.get("effective_bits").asDouble(), 0.0);
            for (JsonNode layer : kv.get("layers")) assertEquals(bits, layer.get("effective_bits").asDouble(), 0.0);
            assertFalse(r.err().contains("quantized nothing"), r.err());
        }
    }

    /** KIVI's residual of 128 tokens holds the whole pruned cache: 4 bits requested, 16 stored, and a warning. */
    @Test
    void aWidthThatQuantizesNothingIsReported() throws Exception {
        Cli r = generate("--kv-bits", "4", "--quant-residual", "128");
        assertEquals(0, r.exitCode(), r.err());
        JsonNode kv = JSON.readTree(r.out()).get("kv");
        assertEquals(4, kv.get("bits").asInt());
        assertEquals(16.0, kv.get("effective_bits").asDouble(), 0.0);
        assertEquals(0, kv.get("layers").get(0).get("bytes_breakdown").get("codes").asLong());
        assertEquals(1, r.err().lines().filter(l -> l.contains("warning")).count(), r.err());
        assertTrue(r.err().contains("kvasir generate: warning: --kv-bits 4 quantized nothing: every cached entry is still"
                + " in the half-precision residual, which codes G = 16 tokens at a time once it holds R + G = 144"
                + " (--quant-residual, --quant-group); 16.00 bits per entry"), r.err());
    }

    /** The automatic residual of a 16-token budget is 16 / 4 = 4 tokens: codes are held, below 16 bits per entry. */
    @Test
    void theAutomaticResidualMakesTheWidthMeanSomething() throws Exception {
        Cli r = generate("--kv-bits", "4", "--quant-group", "4");
        assertEquals(0, r.exitCode(), r.err());
        JsonNode kv = JSON.readTree(r.out()).get("kv");
        assertEquals(4, kv.get("quant_residual_tokens").asInt());
        assertFalse(r.err().contains("quantized nothing"), r.err());
        double bits = kv.get("effective_bits").asDouble();
        assertEquals(bitsFromCounts(kv), bits, 1e-12);
        assertTrue(bits > 4 && bits < 16, "codes plus fp16 scales, zeros and residual: " + bits);
        Cli explicit = generate("--kv-bits", "4", "--quant-group", "4", "--quant-residual", "4");
        assertEquals(kv.get("bytes"), JSON.readTree(explicit.out()).get("kv").get("bytes"));
        Cli full = Cli.run("generate", "--model", Fixtures.model(MODEL).toString(), "--prompt", PROMPT,
                "--max-new-tokens", "1", "--json", "--kv-bits", "4");
        assertEquals(128, JSON.readTree(full.out()).get("kv").get("quant_residual_tokens").asInt(), "full keeps KIVI's 128");
    }

    @Test
    void compareNamesModelAndRunAndRefusesOtherFiles(@TempDir Path tmp) throws Exception {
        Path a = Files.createDirectories(tmp.resolve("sweep-a/snapkv-b64-kv4"));
        Path b = Files.createDirectories(tmp.resolve("sweep-b/snapkv-b64-kv4"));
        Files.writeString(a.resolve("result.json"), "{\"niah\": 50.0, \"_meta\": {\"method\": \"snapkv\", \"model\":"
                + " \"/models/llama-a\", \"kv_bits\": 4, \"mean_kv_effective_bits\": 5.125, \"compression\": {\"budget\": 64}}}");
        Files.writeString(b.resolve("result.json"), "{\"niah\": 75.0, \"_meta\": {\"method\": \"snapkv\", \"model\":"
                + " \"/models/qwen-b\", \"kv_bits\": 4, \"compression\": {\"budget\": 64}}}");
        Cli r = Cli.run("compare", a.toString(), b.toString());
        assertEquals(0, r.exitCode(), r.err());
        List<String> rows = r.out().lines().toList();
        assertEquals("| method | budget (tokens) | KV bits | effective bits | mean KV | niah | Avg | model | run |", rows.get(0));
        assertEquals("| snapkv | 64 | 4 | 5.13 | - | 50.00 | 50.00 | llama-a | " + a + " |", rows.get(2));
        assertEquals("| snapkv | 64 | 4 | - | - | 75.00 | 75.00 | qwen-b | " + b + " |", rows.get(3));
        Path config = Fixtures.model(MODEL).resolve("config.json");
        Cli refused = Cli.run("compare", config.toString());
        assertEquals(2, refused.exitCode());
        assertEquals(1, refused.err().strip().lines().count(), refused.err());
        assertTrue(refused.err().contains(config + ": not a kvasir result"), refused.err());
        assertEquals("", refused.out());
    }
}
