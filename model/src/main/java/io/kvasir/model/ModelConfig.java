package io.kvasir.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kvasir.kernels.Rope;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The parts of a Hugging Face config.json (and generation_config.json) that the Llama-family
 * forward pass needs. Reads both the transformers 4 layout (rope_theta + rope_scaling) and the
 * transformers 5 layout (rope_parameters).
 */
public record ModelConfig(
        String architecture,
        int hiddenSize,
        int intermediateSize,
        int numLayers,
        int numHeads,
        int numKvHeads,
        int headDim,
        double rmsNormEps,
        double ropeTheta,
        Rope.Llama3Scaling ropeScaling,
        int maxPositionEmbeddings,
        boolean tieWordEmbeddings,
        boolean qkvBias,
        int vocabSize,
        Integer bosTokenId,
        List<Integer> eosTokenIds,
        Integer slidingWindow) {

    /** Architectures whose forward pass kvasir implements (all share the Llama layer). */
    public static final List<String> SUPPORTED =
            List.of("LlamaForCausalLM", "MistralForCausalLM", "Qwen2ForCausalLM");

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Reads DIR/config.json, and DIR/generation_config.json when present. */
    public static ModelConfig load(Path modelDir) {
        Path file = modelDir.resolve("config.json");
        JsonNode root = readJson(file);
        if (!root.isObject()) {
            throw new ModelFormatException(file + ": expected a JSON object");
        }
        Fields f = new Fields(file, root);
        String arch = architecture(file, root);
        int hidden = f.positiveInt("hidden_size");
        int heads = f.positiveInt("num_attention_heads");
        int kvHeads = root.hasNonNull("num_key_value_heads") ? f.positiveInt("num_key_value_heads") : heads;
        if (heads % kvHeads != 0) {
            throw new ModelFormatException(file + ": num_attention_heads " + heads
                    + " is not a multiple of num_key_value_heads " + kvHeads);
        }
        int headDim;
        if (root.hasNonNull("head_dim")) {
            headDim = f.positiveInt("head_dim");
        } else if (hidden % heads == 0) {
            headDim = hidden / heads;
        } else {
            throw new ModelFormatException(file + ": hidden_size " + hidden + " is not divisible by num_attention_heads " + heads + " and head_dim is not given");
        }
        if (root.path("mlp_bias").asBoolean(false)) {
            throw new ModelFormatException(file + ": mlp_bias=true is not supported");
        }
        boolean qkvBias = arch.equals("Qwen2ForCausalLM") || root.path("attention_bias").asBoolean(false);
        RopeSettings ropeSettings = ropeSettings(file, root, f);
        JsonNode sliding = root.get("sliding_window");
        boolean slidingOn = sliding != null && sliding.isNumber()
                && (!arch.equals("Qwen2ForCausalLM") || root.path("use_sliding_window").asBoolean(false));

        Integer bos = root.hasNonNull("bos_token_id") ? root.get("bos_token_id").asInt() : null;
        Set<Integer> eos = new LinkedHashSet<>(ids(root.get("eos_token_id")));
        Path gen = modelDir.resolve("generation_config.json");
        if (Files.exists(gen)) {
            JsonNode g = readJson(gen);
            eos.addAll(ids(g.get("eos_token_id")));
            if (bos == null && g.hasNonNull("bos_token_id")) {
                bos = g.get("bos_token_id").asInt();
            }
        }
        return new ModelConfig(arch, hidden, f.positiveInt("intermediate_size"), f.positiveInt("num_hidden_layers"),
                heads, kvHeads, headDim, f.positiveDouble("rms_norm_eps", 1e-6), ropeSettings.theta(),
                ropeSettings.scaling(), f.positiveInt("max_position_embeddings", 4096),
                root.path("tie_word_embeddings").asBoolean(false), qkvBias, f.positiveInt("vocab_size"),
                bos, List.copyOf(eos), slidingOn ? sliding.asInt() : null);
    }

    private record RopeSettings(double theta, Rope.Llama3Scaling scaling) {}

    private static RopeSettings ropeSettings(Path file, JsonNode root, Fields f) {
        JsonNode params = root.get("rope_parameters");
        JsonNode scaling = root.get("rope_scaling");
        double theta = 10000.0;
        if (root.hasNonNull("rope_theta")) {
            theta = f.positiveDouble("rope_theta", theta);
        }
        JsonNode rule = null;
        if (params != null && params.isObject()) {
            if (params.hasNonNull("rope_theta")) {
                theta = params.get("rope_theta").asDouble();
            }
            rule = params;
        } else if (scaling != null && scaling.isObject()) {
            rule = scaling;
        }
        if (rule == null) {
            return new RopeSettings(theta, null);
        }
        String type = rule.hasNonNull("rope_type") ? rule.get("rope_type").asText() : rule.path("type").asText("default");
        return switch (type) {
            case "default" -> new RopeSettings(theta, null);
            case "llama3" -> new RopeSettings(theta, new Rope.Llama3Scaling(
                    requiredNumber(file, rule, "factor"), requiredNumber(file, rule, "low_freq_factor"),
                    requiredNumber(file, rule, "high_freq_factor"),
                    (int) requiredNumber(file, rule, "original_max_position_embeddings")));
            default -> throw new ModelFormatException(file + ": unsupported rope scaling type '" + type
                    + "' (supported: default, llama3)");
        };
    }

    private static double requiredNumber(Path file, JsonNode node, String key) {
        JsonNode v = node.get(key);
        if (v == null || !v.isNumber() || !(v.asDouble() > 0)) {
            throw new ModelFormatException(file + ": rope scaling needs a positive number '" + key + "'");
        }
        return v.asDouble();
    }

    private static String architecture(Path file, JsonNode root) {
        JsonNode archs = root.get("architectures");
        if (archs == null || !archs.isArray() || archs.isEmpty()) {
            throw new ModelFormatException(file + ": missing 'architectures' (expected one of " + SUPPORTED + ")");
        }
        String arch = archs.get(0).asText();
        if (!SUPPORTED.contains(arch)) {
            throw new ModelFormatException(file + ": unsupported architecture '" + arch + "' (supported: "
                    + String.join(", ", SUPPORTED) + ")");
        }
        return arch;
    }

    private static List<Integer> ids(JsonNode node) {
        List<Integer> out = new ArrayList<>();
        if (node == null || node.isNull()) {
            return out;
        }
        if (node.isArray()) {
            node.forEach(n -> out.add(n.asInt()));
        } else {
            out.add(node.asInt());
        }
        return out;
    }

    static JsonNode readJson(Path file) {
        try {
            return JSON.readTree(file.toFile());
        } catch (NoSuchFileException | java.io.FileNotFoundException e) {
            throw new ModelFormatException(file + ": file not found");
        } catch (IOException e) {
            String msg = e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
            if (!Files.exists(file)) {
                throw new ModelFormatException(file + ": file not found");
            }
            throw new ModelFormatException(file + ": malformed JSON (" + msg + ")", e);
        }
    }

    /** Typed, validated access to config fields; errors name the file and key. */
    private record Fields(Path file, JsonNode root) {
        int positiveInt(String key) {
            JsonNode v = root.get(key);
            if (v == null || v.isNull()) {
                throw new ModelFormatException(file + ": missing '" + key + "'");
            }
            if (!v.canConvertToInt() || !v.isIntegralNumber() || v.asInt() <= 0) {
                throw new ModelFormatException(file + ": '" + key + "' must be a positive integer, got " + v);
            }
            return v.asInt();
        }

        int positiveInt(String key, int fallback) {
            return root.hasNonNull(key) ? positiveInt(key) : fallback;
        }

        double positiveDouble(String key, double fallback) {
            JsonNode v = root.get(key);
            if (v == null || v.isNull()) {
                return fallback;
            }
            if (!v.isNumber() || !(v.asDouble() > 0)) {
                throw new ModelFormatException(file + ": '" + key + "' must be a positive number, got " + v);
            }
            return v.asDouble();
        }
    }

    /** Query projection width. */
    public int qDim() {
        return numHeads * headDim;
    }

    /** Key/value projection width. */
    public int kvDim() {
        return numKvHeads * headDim;
    }
}
