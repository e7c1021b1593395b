package io.kvasir.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kvasir.model.Model;
import io.kvasir.model.ModelConfig;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** `kvasir inspect`: what a model folder holds and what its KV cache costs. */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = {"Show a model's architecture, parameter count, weight bytes per dtype and KV-cache bytes per token;",
            "with --prompt-tokens, the memory a prefill of that many tokens will take with the compression options.",
            "Example: kvasir inspect --model DIR --prompt-tokens 16384 --method snapkv --budget 128"})
final class InspectCommand implements Callable<Integer> {
    @Mixin
    ModelOption model;

    @Mixin
    DebugOption debug;

    @Option(names = "--json", description = "Print one JSON object instead of text.")
    boolean json;

    @Option(names = "--prompt-tokens", paramLabel = "N",
            description = "Predict the peak memory of a prefill of N prompt tokens with the compression and storage options"
                    + " below: the forward pass's arrays, the KV cache, and the weights.")
    Integer promptTokens;

    @Mixin
    KvStorageOptions kvStorage;

    @Mixin
    CompressionOptions compression;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        CacheSetup setup = CacheSetup.fromFlags("kvasir inspect", compression, kvStorage);
        if (promptTokens != null && promptTokens < 1) {
            throw new IllegalArgumentException("--prompt-tokens must be >= 1, got " + promptTokens);
        }
        try (Model m = model.load()) {
            ModelConfig c = m.config();
            long params = m.tensors().totalElements();
            Map<String, Long> bytesPerDtype = new TreeMap<>();
            m.tensors().bytesByDType().forEach((dtype, bytes) -> bytesPerDtype.put(dtype.name(), bytes));
            long kvPerTokenF32 = 2L * c.numLayers() * c.numKvHeads() * c.headDim() * Float.BYTES;
            ObjectNode o = Json.object();
            o.put("model", m.dir().toString());
            o.put("architecture", c.architecture());
            o.put("layers", c.numLayers());
            o.put("hidden_size", c.hiddenSize());
            o.put("intermediate_size", c.intermediateSize());
            o.put("attention_heads", c.numHeads());
            o.put("kv_heads", c.numKvHeads());
            o.put("head_dim", c.headDim());
            o.put("vocab_size", c.vocabSize());
            o.put("max_position_embeddings", c.maxPositionEmbeddings());
            o.put("rope_theta", c.ropeTheta());
            var rs = c.ropeScaling();
            o.put("rope_scaling", rs == null ? "none" : String.format(java.util.Locale.ROOT,
                    "llama3 (factor %s, low_freq_factor %s, high_freq_factor %s, original_max_position_embeddings %d)",
                    rs.factor(), rs.lowFreqFactor(), rs.highFreqFactor(), rs.originalMaxPositionEmbeddings()));
            o.put("tie_word_embeddings", c.tieWordEmbeddings());
            o.put("qkv_bias", c.qkvBias());
            o.set("eos_token_ids", Json.array(c.eosTokenIds().stream().mapToInt(Integer::intValue).toArray()));
            o.put("parameters", params);
            ObjectNode bytes = o.putObject("weight_bytes");
            bytesPerDtype.forEach(bytes::put);
            o.put("kv_bytes_per_token_f32", kvPerTokenF32);
            o.put("kv_bytes_per_token_f16", kvPerTokenF32 / 2);
            MemoryPrediction predicted = promptTokens == null ? null
                    : MemoryPrediction.of(m, setup, promptTokens);
            if (predicted != null) {
                o.set("prediction", predicted.json());
            }
            var out = spec.commandLine().getOut();
            if (json) {
                out.println(Json.write(o));
                return 0;
            }
            out.printf("model              %s%n", m.dir());
            out.printf("architecture       %s%n", c.architecture());
            out.printf("layers             %d%n", c.numLayers());
            out.printf("hidden / MLP       %d / %d%n", c.hiddenSize(), c.intermediateSize());
            out.printf("heads              %d query, %d KV (group of %d), head_dim %d%n", c.numHeads(), c.numKvHeads(),
                    c.numHeads() / c.numKvHeads(), c.headDim());
            out.printf("vocabulary         %d tokens%n", c.vocabSize());
            out.printf("context            %d tokens (max_position_embeddings)%n", c.maxPositionEmbeddings());
            out.printf("rope               theta %.1f, scaling %s%n", c.ropeTheta(), o.get("rope_scaling").asText());
            out.printf("parameters         %,d (%s)%n", params, Units.count(params));
            bytesPerDtype.forEach((k, v) -> out.printf("weights %-10s %,d bytes (%s)%n", k, v, Units.bytes(v)));
            out.printf("KV cache           %,d bytes/token at 32-bit, %,d bytes/token at 16-bit (uncompressed)%n",
                    kvPerTokenF32, kvPerTokenF32 / 2);
            out.printf("KV at %d tokens  %s (32-bit), %s (16-bit)%n", c.maxPositionEmbeddings(),
                    Units.bytes(kvPerTokenF32 * c.maxPositionEmbeddings()), Units.bytes(kvPerTokenF32 / 2 * c.maxPositionEmbeddings()));
            if (predicted != null) {
                predicted.print(out);
            }
            return 0;
        }
    }
}
