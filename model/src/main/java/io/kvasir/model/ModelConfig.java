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
import java.util.function.Function;
import java.util.function.Predicate;

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
        if (headDim % 2 != 0) {
            throw new ModelFormatException(file + ": head_dim " + headDim + " is odd; rotary embeddings rotate pairs of dimensions");
        }
        refuseUnimplemented(file, root, f, arch);
        // Qwen2 always has q/k/v biases; Llama's attention_bias would add an o_proj bias too, refused above.
        boolean qkvBias = arch.equals("Qwen2ForCausalLM");
        RopeSettings ropeSettings = ropeSettings(file, root, f);
        Integer window = slidingWindow(root, f, arch);

        Integer bos = f.tokenId("bos_token_id");
        Set<Integer> eos = new LinkedHashSet<>(f.tokenIds("eos_token_id"));
        Path gen = modelDir.resolve("generation_config.json");
        if (Files.exists(gen)) {
            JsonNode g = readJson(gen);
            if (!g.isObject()) {
                throw new ModelFormatException(gen + ": expected a JSON object, found " + kind(g));
            }
            Fields gf = new Fields(gen, g);
            eos.addAll(gf.tokenIds("eos_token_id"));
            Integer genBos = gf.tokenId("bos_token_id");
            if (bos == null) {
                bos = genBos;
            }
        }
        return new ModelConfig(arch, hidden, f.positiveInt("intermediate_size"), f.positiveInt("num_hidden_layers"),
                heads, kvHeads, headDim, f.positiveDouble("rms_norm_eps", 1e-6), ropeSettings.theta(),
                ropeSettings.scaling(), f.positiveInt("max_position_embeddings", 4096),
                f.bool("tie_word_embeddings", false), qkvBias, f.positiveInt("vocab_size"),
                bos, List.copyOf(eos), window);
    }

    /**
     * Refuses the fields of transformers' Llama, Mistral and Qwen2 configs that change the forward
     * pass in a way kvasir does not implement. The fields kvasir reads are parsed above; the rest of
     * those classes' fields (dropout, initializer_range, pretraining_tp, dtype, use_cache, output
     * flags, label maps, pad_token_id, model_type, transformers_version, max_window_layers without
     * sliding) do not change inference, and fields outside those classes are never read by
     * transformers' modeling code either, so both are ignored. README, "What kvasir checks in a
     * model folder", has the list.
     */
    private static void refuseUnimplemented(Path file, JsonNode root, Fields f, String arch) {
        String act = f.string("hidden_act", "silu");
        if (!act.equals("silu")) {
            throw new ModelFormatException(file + ": hidden_act '" + act + "' is not supported (kvasir implements silu)");
        }
        if (f.bool("mlp_bias", false)) {
            throw new ModelFormatException(file + ": mlp_bias=true is not supported (kvasir's MLP has no biases)");
        }
        if (f.bool("attention_bias", false) && !arch.equals("Qwen2ForCausalLM")) {
            throw new ModelFormatException(file + ": attention_bias=true is not supported (it adds q/k/v and o_proj biases)");
        }
        if (root.hasNonNull("partial_rotary_factor") && root.get("partial_rotary_factor").asDouble() != 1.0) {
            throw new ModelFormatException(file + ": partial_rotary_factor " + root.get("partial_rotary_factor")
                    + " is not supported (kvasir rotates the whole head)");
        }
        if (root.hasNonNull("quantization_config")) {
            throw new ModelFormatException(file + ": quantization_config is not supported (kvasir reads F32, F16 and BF16 weights)");
        }
    }

    /**
     * The attention window, when one is active: Mistral's {@code sliding_window}, Qwen2's when
     * {@code use_sliding_window} is true or {@code layer_types} names sliding layers. kvasir
     * implements full attention, which equals sliding-window attention as long as the context fits
     * in the window; the generator refuses longer contexts.
     */
    private static Integer slidingWindow(JsonNode root, Fields f, String arch) {
        if (!root.hasNonNull("sliding_window")) {
            return null;
        }
        int window = f.positiveInt("sliding_window");
        if (!arch.equals("Qwen2ForCausalLM")) {
            return window;
        }
        boolean slidingLayers = false;
        JsonNode types = root.get("layer_types");
        if (types != null && types.isArray()) {
            for (JsonNode t : types) {
                slidingLayers |= t.asText().equals("sliding_attention");
            }
        }
        return f.bool("use_sliding_window", false) || slidingLayers ? window : null;
    }

    private record RopeSettings(double theta, Rope.Llama3Scaling scaling) {}

    private static RopeSettings ropeSettings(Path file, JsonNode root, Fields f) {
        JsonNode params = root.get("rope_parameters");
        JsonNode scaling = root.get("rope_scaling");
        double theta = 10000.0;
        if (root.hasNonNull("rope_theta")) {
            theta = f.positiveDouble("rope_theta", theta);
        }
        for (String key : List.of("rope_parameters", "rope_scaling")) {
            if (root.hasNonNull(key) && !root.get(key).isObject()) {
                throw new ModelFormatException(file + ": '" + key + "' must be a JSON object, got " + root.get(key));
            }
        }
        JsonNode rule = null;
        if (params != null && params.isObject()) {
            if (params.hasNonNull("rope_theta")) {
                theta = new Fields(file, params).positiveDouble("rope_theta", theta);
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

    private static String kind(JsonNode node) {
        return node.isMissingNode() ? "nothing" : "a JSON " + node.getNodeType().toString().toLowerCase();
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
            return optional(key, fallback, v -> v.isNumber() && v.asDouble() > 0 && !Double.isInfinite(v.asDouble()),
                    "a positive number", JsonNode::asDouble);
        }

        boolean bool(String key, boolean fallback) {
            return optional(key, fallback, JsonNode::isBoolean, "true or false", JsonNode::booleanValue);
        }

        String string(String key, String fallback) {
            return optional(key, fallback, JsonNode::isTextual, "a string", JsonNode::textValue);
        }

        /** The value of an optional field, the fallback when it is absent or null, an error when it is not valid. */
        private <T> T optional(String key, T fallback, Predicate<JsonNode> valid, String expected, Function<JsonNode, T> value) {
            JsonNode v = root.get(key);
            if (v == null || v.isNull()) {
                return fallback;
            }
            if (!valid.test(v)) {
                throw new ModelFormatException(file + ": '" + key + "' must be " + expected + ", got " + v);
            }
            return value.apply(v);
        }

        /** A token id, or null when absent or null. */
        Integer tokenId(String key) {
            JsonNode v = root.get(key);
            if (v == null || v.isNull()) {
                return null;
            }
            return id(v, key);
        }

        /** One token id or a list of them (eos_token_id takes both forms); empty when absent. */
        List<Integer> tokenIds(String key) {
            JsonNode v = root.get(key);
            List<Integer> out = new ArrayList<>();
            if (v == null || v.isNull()) {
                return out;
            }
            if (v.isArray()) {
                for (JsonNode n : v) {
                    out.add(id(n, key));
                }
            } else {
                out.add(id(v, key));
            }
            return out;
        }

        private int id(JsonNode v, String key) {
            if (!v.isIntegralNumber() || !v.canConvertToInt() || v.asInt() < 0) {
                throw new ModelFormatException(file + ": '" + key + "' must be a token id (a non-negative integer)"
                        + " or a list of them, got " + (v.isContainerNode() ? kind(v) : v.toString()));
            }
            return v.asInt();
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
