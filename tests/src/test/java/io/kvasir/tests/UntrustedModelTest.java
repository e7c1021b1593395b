package io.kvasir.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #14 items 2 and 3 through the CLI: a model folder whose numbers or config kvasir cannot
 * trust ends the run with exit 2, one stderr line naming the file and the tensor, field or layer, and
 * nothing on stdout.
 */
class UntrustedModelTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String LLAMA = "llama-gqa-bf16";
    private static final String MISTRAL = "mistral-mha-f16";

    @TempDir
    Path tmp;

    private static Cli generate(Path model, String prompt) {
        return Cli.run("generate", "--model", model.toString(), "--prompt", prompt, "--max-new-tokens", "3", "--json");
    }

    private static void refused(Cli r, String... mustContain) {
        CliErrorsTest.assertOneLine(r, mustContain);
        assertEquals("", r.out(), "nothing written to stdout");
    }

    // ---- non-finite numbers ----

    @Test
    void nanInOneQProjIsRefusedAtLoadNamingTheTensor() throws IOException {
        Path m = Fixtures.copyModel(LLAMA, tmp);
        Checkpoint.fill(m.resolve("model.safetensors"), "model.layers.1.self_attn.q_proj.weight", 70, 71, 0x7FC0);
        // q_proj is [64, 64]: element 70 is row 1, column 6.
        refused(generate(m, "hi"), "model.safetensors", "tensor 'model.layers.1.self_attn.q_proj.weight' holds NaN at [1, 6]");
    }

    @Test
    void infinityInAnF16TensorIsRefusedAtLoad() throws IOException {
        Path m = Fixtures.copyModel(MISTRAL, tmp);
        Checkpoint.fill(m.resolve("model.safetensors"), "lm_head.weight", 0, 1, 0xFC00);
        refused(generate(m, "hi"), "tensor 'lm_head.weight' holds -Infinity at [0, 0]");
    }

    /**
     * Every weight of layer 1's down_proj at the largest finite bfloat16: the weights pass the scan,
     * but layer 1's MLP output overflows float32 while layer 0's stays finite.
     */
    private Path overflowingModel() throws IOException {
        Path m = Fixtures.copyModel(LLAMA, Files.createTempDirectory(tmp, "model"));
        Checkpoint.fill(m.resolve("model.safetensors"), "model.layers.1.mlp.down_proj.weight", 0, 64 * 176, 0x7F7F);
        return m;
    }

    @Test
    void overflowingActivationsNameTheFirstLayer() throws IOException {
        Path m = overflowingModel();
        refused(generate(m, "hello world"), m.toString(), "the logits are not finite at prefill",
                "first non-finite after layer 1 of 3");
    }

    @Test
    void overflowInABenchmarkScoresNoCell() throws IOException {
        Path out = tmp.resolve("needle");
        Cli r = Cli.run("needle", "--model", overflowingModel().toString(), "--min-length", "300", "--max-length", "300",
                "--depths", "1", "--max-new-tokens", "2", "--out", out.toString());
        refused(r, "the logits are not finite at prefill", "first non-finite after layer 1 of 3");
        try (var files = Files.walk(out)) {
            for (Path f : files.filter(f -> f.getFileName().toString().equals("cells.jsonl")).toList()) {
                assertEquals("", Files.readString(f), "no cell is scored from non-finite logits");
            }
        } catch (java.nio.file.NoSuchFileException absent) {
            // nothing written at all
        }
    }

    // ---- the safetensors data section ----

    @Test
    void trailingBytesAfterTheData() throws IOException {
        Path m = Fixtures.copyModel(LLAMA, tmp);
        Path st = m.resolve("model.safetensors");
        Files.write(st, new byte[] {0}, java.nio.file.StandardOpenOption.APPEND);
        refused(generate(m, "hi"), st.getFileName().toString(), "1 trailing bytes");
    }

    @Test
    void headerLengthOneByteShort() throws IOException {
        Path m = Fixtures.copyModel(LLAMA, tmp);
        Path st = m.resolve("model.safetensors");
        byte[] bytes = Files.readAllBytes(st);
        int n = (int) ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        // Pad the header with two spaces but declare one byte less: the JSON still parses, and the
        // data section would start one byte early.
        String header = new String(bytes, 8, n, StandardCharsets.UTF_8).strip() + "  ";
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer out = ByteBuffer.allocate(8 + h.length + bytes.length - 8 - n).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(h.length - 1).put(h).put(bytes, 8 + n, bytes.length - 8 - n);
        Files.write(st, out.array());
        refused(generate(m, "hi"), st.getFileName().toString(), "1 trailing bytes", "header length");
    }

    // ---- config.json and generation_config.json ----

    /** A fresh copy of the fixture with one field of config.json or generation_config.json set. */
    private Path withConfig(String model, String file, String key, String jsonValue) throws IOException {
        Path m = Fixtures.copyModel(model, Files.createTempDirectory(tmp, "model"));
        ObjectNode config = (ObjectNode) JSON.readTree(m.resolve(file).toFile());
        config.set(key, JSON.readTree(jsonValue));
        Files.writeString(m.resolve(file), JSON.writeValueAsString(config));
        return m;
    }

    @Test
    void hiddenActOtherThanSilu() throws IOException {
        refused(generate(withConfig(LLAMA, "config.json", "hidden_act", "\"gelu\""), "hi"), "config.json", "hidden_act 'gelu'");
    }

    @Test
    void fewerLayersThanTheCheckpointNamesTheExtraTensor() throws IOException {
        refused(generate(withConfig(LLAMA, "config.json", "num_hidden_layers", "2"), "hi"),
                "tensor 'model.layers.2.", "is not used by config.json", "num_hidden_layers=2");
    }

    @Test
    void moreLayersThanTheCheckpoint() throws IOException {
        refused(generate(withConfig(LLAMA, "config.json", "num_hidden_layers", "4"), "hi"), "missing tensor 'model.layers.3.");
    }

    @Test
    void biasesKvasirDoesNotImplement() throws IOException {
        refused(generate(withConfig(LLAMA, "config.json", "attention_bias", "true"), "hi"), "config.json", "attention_bias=true");
        refused(generate(withConfig(LLAMA, "config.json", "mlp_bias", "true"), "hi"), "config.json", "mlp_bias=true");
    }

    @Test
    void fieldsOfTheWrongType() throws IOException {
        refused(generate(withConfig(LLAMA, "config.json", "tie_word_embeddings", "\"yes\""), "hi"),
                "config.json", "'tie_word_embeddings' must be true or false");
        refused(generate(withConfig(LLAMA, "config.json", "rope_scaling", "\"linear\""), "hi"),
                "config.json", "'rope_scaling' must be a JSON object");
    }

    @Test
    void ropeScalingTypesNotImplemented() throws IOException {
        refused(generate(withConfig(LLAMA, "config.json", "rope_scaling", "{\"rope_type\": \"linear\", \"factor\": 2.0}"), "hi"),
                "config.json", "unsupported rope scaling type 'linear'");
    }

    @Test
    void partialRotaryFactor() throws IOException {
        refused(generate(withConfig(LLAMA, "config.json", "partial_rotary_factor", "0.5"), "hi"),
                "config.json", "partial_rotary_factor 0.5");
    }

    @Test
    void tiedEmbeddingsWithADifferentLmHead() throws IOException {
        refused(generate(withConfig(LLAMA, "config.json", "tie_word_embeddings", "true"), "hi"),
                "tie_word_embeddings=true", "'lm_head.weight'", "differs from 'model.embed_tokens.weight'");
    }

    @Test
    void activeSlidingWindowShorterThanTheContext() throws IOException {
        Path m = withConfig(MISTRAL, "config.json", "sliding_window", "4");
        refused(generate(m, "hello world, this prompt is longer than four tokens"), "config.json", "sliding_window 4 is active");
    }

    @Test
    void generationConfigWithAnArrayRoot() throws IOException {
        Path m = Fixtures.copyModel(LLAMA, tmp);
        Files.writeString(m.resolve("generation_config.json"), "[{\"eos_token_id\": 2}]");
        refused(generate(m, "hi"), "generation_config.json", "expected a JSON object, found a JSON array");
    }

    @Test
    void generationConfigWithAStringEos() throws IOException {
        refused(generate(withConfig(LLAMA, "generation_config.json", "eos_token_id", "\"</s>\""), "hi"),
                "generation_config.json", "'eos_token_id' must be a token id");
        refused(generate(withConfig(LLAMA, "generation_config.json", "eos_token_id", "[764, 1.5]"), "hi"),
                "generation_config.json", "'eos_token_id' must be a token id", "got 1.5");
    }

    /** Edits single elements of a safetensors file in place, using its header to find them. */
    static final class Checkpoint {
        private Checkpoint() {}

        /** Sets elements [from, to) of a 16-bit (F16/BF16) tensor to the given bit pattern. */
        static void fill(Path file, String tensor, int from, int to, int bits) throws IOException {
            byte[] bytes = Files.readAllBytes(file);
            int n = (int) ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
            JsonNode entry = JSON.readTree(new String(bytes, 8, n, StandardCharsets.UTF_8)).get(tensor);
            String dtype = entry.get("dtype").asText();
            assertTrue(dtype.equals("BF16") || dtype.equals("F16"), tensor + " is " + dtype);
            int begin = 8 + n + entry.get("data_offsets").get(0).asInt();
            assertTrue(begin + 2 * to <= 8 + n + entry.get("data_offsets").get(1).asInt(), "elements inside the tensor");
            ByteBuffer data = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = from; i < to; i++) {
                data.putShort(begin + 2 * i, (short) bits);
            }
            Files.write(file, bytes);
        }
    }
}
