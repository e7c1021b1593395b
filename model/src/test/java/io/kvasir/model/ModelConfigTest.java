package io.kvasir.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelConfigTest {
    @TempDir
    Path dir;

    private ModelConfig load(String json) throws IOException {
        Files.writeString(dir.resolve("config.json"), json);
        return ModelConfig.load(dir);
    }

    /** Llama-3.2-1B's config.json as published (transformers 4 layout). */
    static final String LLAMA_32 = """
            {"architectures": ["LlamaForCausalLM"], "bos_token_id": 128000, "eos_token_id": 128001,
             "head_dim": 64, "hidden_size": 2048, "intermediate_size": 8192, "max_position_embeddings": 131072,
             "model_type": "llama", "num_attention_heads": 32, "num_hidden_layers": 16, "num_key_value_heads": 8,
             "rms_norm_eps": 1e-05, "rope_scaling": {"factor": 32.0, "high_freq_factor": 4.0, "low_freq_factor": 1.0,
             "original_max_position_embeddings": 8192, "rope_type": "llama3"}, "rope_theta": 500000.0,
             "tie_word_embeddings": true, "torch_dtype": "bfloat16", "vocab_size": 128256}
            """;

    @Test
    void readsLlama32() throws IOException {
        ModelConfig c = load(LLAMA_32);
        assertEquals(2048, c.hiddenSize());
        assertEquals(8, c.numKvHeads());
        assertEquals(64, c.headDim());
        assertEquals(500000.0, c.ropeTheta());
        assertEquals(32.0, c.ropeScaling().factor());
        assertEquals(8192, c.ropeScaling().originalMaxPositionEmbeddings());
        assertTrue(c.tieWordEmbeddings());
        assertEquals(List.of(128001), c.eosTokenIds());
        assertEquals(128000, c.bosTokenId());
    }

    @Test
    void readsTransformers5RopeParametersAndEosListsAndGenerationConfig() throws IOException {
        Files.writeString(dir.resolve("generation_config.json"), "{\"eos_token_id\": [2, 7]}");
        ModelConfig c = load("""
                {"architectures": ["MistralForCausalLM"], "hidden_size": 64, "intermediate_size": 128,
                 "num_attention_heads": 4, "num_hidden_layers": 2, "vocab_size": 100, "head_dim": 24,
                 "eos_token_id": [2, 3], "rope_parameters": {"rope_type": "default", "rope_theta": 1000000.0}}
                """);
        assertEquals(24, c.headDim());
        assertEquals(4, c.numKvHeads());
        assertEquals(1e6, c.ropeTheta());
        assertNull(c.ropeScaling());
        assertEquals(List.of(2, 3, 7), c.eosTokenIds());
    }

    @Test
    void qwen2HasQkvBias() throws IOException {
        ModelConfig c = load("""
                {"architectures": ["Qwen2ForCausalLM"], "hidden_size": 64, "intermediate_size": 128,
                 "num_attention_heads": 4, "num_key_value_heads": 2, "num_hidden_layers": 2, "vocab_size": 100,
                 "sliding_window": 4096, "use_sliding_window": false}
                """);
        assertTrue(c.qkvBias());
        assertNull(c.slidingWindow());
    }

    @Test
    void errorsNameTheFileAndKey() {
        var e = assertThrows(ModelFormatException.class, () -> load("""
                {"architectures": ["LlamaForCausalLM"], "hidden_size": 64, "intermediate_size": 128,
                 "num_attention_heads": 4, "num_hidden_layers": 2}
                """));
        assertTrue(e.getMessage().endsWith("config.json: missing 'vocab_size'"), e.getMessage());
        e = assertThrows(ModelFormatException.class, () -> load(LLAMA_32.replace("\"llama3\"", "\"yarn\"")));
        assertTrue(e.getMessage().contains("unsupported rope scaling type 'yarn'"), e.getMessage());
        e = assertThrows(ModelFormatException.class, () -> load(LLAMA_32.replace("\"num_key_value_heads\": 8", "\"num_key_value_heads\": 5")));
        assertTrue(e.getMessage().contains("not a multiple"), e.getMessage());
        e = assertThrows(ModelFormatException.class, () -> load(LLAMA_32.replace("\"hidden_size\": 2048", "\"hidden_size\": -3")));
        assertTrue(e.getMessage().contains("'hidden_size' must be a positive integer"), e.getMessage());
        e = assertThrows(ModelFormatException.class, () -> load("[1, 2"));
        assertTrue(e.getMessage().contains("malformed JSON"), e.getMessage());
    }

    private String refused(String json) {
        var e = assertThrows(ModelFormatException.class, () -> load(json));
        assertTrue(e.getMessage().startsWith(dir.resolve("config.json") + ": "), e.getMessage());
        return e.getMessage();
    }

    /** Edits Llama-3.2's config (replacing {@code from} by {@code to}) and expects a refusal containing {@code expected}. */
    private void refusedWith(String from, String to, String expected) {
        assertTrue(LLAMA_32.contains(from), from);
        String message = refused(LLAMA_32.replace(from, to));
        assertTrue(message.contains(expected), () -> "expected '" + expected + "' in: " + message);
    }

    @Test
    void fieldsThatChangeTheMathAreRefusedNamingTheField() {
        String eps = "\"rms_norm_eps\"";
        refusedWith(eps, "\"hidden_act\": \"gelu_pytorch_tanh\", " + eps,
                "hidden_act 'gelu_pytorch_tanh' is not supported (kvasir implements silu)");
        refusedWith(eps, "\"attention_bias\": true, " + eps, "attention_bias=true is not supported");
        refusedWith(eps, "\"mlp_bias\": true, " + eps, "mlp_bias=true is not supported");
        refusedWith(eps, "\"quantization_config\": {\"bits\": 4}, " + eps, "quantization_config is not supported");
        refusedWith("\"head_dim\": 64", "\"head_dim\": 63", "head_dim 63 is odd");
        refusedWith("\"tie_word_embeddings\": true", "\"tie_word_embeddings\": 1", "'tie_word_embeddings' must be true or false, got 1");
        refusedWith("\"eos_token_id\": 128001", "\"eos_token_id\": \"128001\"",
                "'eos_token_id' must be a token id (a non-negative integer) or a list of them, got \"128001\"");
        refusedWith("\"rope_theta\": 500000.0", "\"rope_theta\": \"big\"", "'rope_theta' must be a positive number");
    }

    @Test
    void harmlessFieldsAreIgnored() throws IOException {
        ModelConfig c = load(LLAMA_32.replace("\"rms_norm_eps\"", "\"attention_bias\": false, \"mlp_bias\": false, "
                + "\"hidden_act\": \"silu\", \"pretraining_tp\": 1, \"attention_dropout\": 0.0, \"use_cache\": true, "
                + "\"initializer_range\": 0.02, \"some_future_field\": [1], \"rms_norm_eps\""));
        assertEquals(16, c.numLayers());
    }

    @Test
    void slidingWindowIsActiveOnlyWhereTransformersAppliesIt() throws IOException {
        String qwen = """
                {"architectures": ["Qwen2ForCausalLM"], "hidden_size": 64, "intermediate_size": 128,
                 "num_attention_heads": 4, "num_hidden_layers": 2, "vocab_size": 100, "sliding_window": 32 %s}
                """;
        assertNull(load(qwen.formatted("")).slidingWindow());
        assertEquals(32, load(qwen.formatted(", \"use_sliding_window\": true")).slidingWindow());
        assertEquals(32, load(qwen.formatted(", \"layer_types\": [\"full_attention\", \"sliding_attention\"]")).slidingWindow());
        String mistral = qwen.replace("Qwen2ForCausalLM", "MistralForCausalLM");
        assertEquals(32, load(mistral.formatted("")).slidingWindow());
        assertNull(load(mistral.replace("\"sliding_window\": 32", "\"sliding_window\": null").formatted("")).slidingWindow());
    }

    @Test
    void generationConfigMustBeAnObjectWithIntegerIds() throws IOException {
        Path gen = dir.resolve("generation_config.json");
        Files.writeString(gen, "[{\"eos_token_id\": 2}]");
        var e = assertThrows(ModelFormatException.class, () -> load(LLAMA_32));
        assertEquals(gen + ": expected a JSON object, found a JSON array", e.getMessage());
        Files.writeString(gen, "{\"eos_token_id\": [128001, {\"id\": 5}]}");
        e = assertThrows(ModelFormatException.class, () -> load(LLAMA_32));
        assertEquals(gen + ": 'eos_token_id' must be a token id (a non-negative integer) or a list of them, got a JSON object",
                e.getMessage());
        Files.writeString(gen, "{\"eos_token_id\": [128001, 128009], \"bos_token_id\": 1, \"temperature\": 0.6}");
        assertEquals(List.of(128001, 128009), load(LLAMA_32).eosTokenIds());
    }
}
