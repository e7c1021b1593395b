package io.kvasir.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kvasir.bench.AtomicFile;
import io.kvasir.compression.ByteBudgetPlan;
import io.kvasir.compression.CompressionConfig;
import io.kvasir.compression.HeadStore;
import io.kvasir.compression.KvCache;
import io.kvasir.compression.KvStorage;
import io.kvasir.compression.quant.QuantizedHeadStore;
import io.kvasir.model.GenerationResult;
import io.kvasir.model.Model;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

/** What the KV cache holds, as JSON: bytes, ratios, kept tokens, and the kept-position map. */
final class KvReport {
    private KvReport() {}

    /** The `kv` object of `generate --json`. */
    static ObjectNode json(CompressionConfig config, KvCache cache, int promptLength) {
        ObjectNode kv = Json.object();
        kv.put("method", config.method().cliName());
        kv.set("params", Json.MAPPER.valueToTree(config));
        kv.put("gqa_mode", cache.layout().gqaMode().name().toLowerCase());
        kv.put("stored_heads_per_layer", cache.layout().storedHeads());
        KvStorage storage = cache.storage();
        kv.put("bits", storage.bits());
        kv.put("storage", storage.describe());
        if (storage.anyQuantized()) {
            kv.put("quant", storage.scheme().cliName());
            kv.put("quant_group", storage.group());
            kv.put("quant_residual_tokens", storage.residual());
            if (!Float.isNaN(storage.outlierThreshold())) {
                kv.put("quant_outlier_threshold", storage.outlierThreshold());
            }
        }
        if (storage.layerQuant()) {
            ObjectNode lq = kv.putObject("layer_quant");
            lq.put("begin", storage.layerQuantBegin());
            lq.put("end", storage.layerQuantEnd());
            lq.put("bits", storage.layerQuantBits());
            lq.put("inverted_reference", storage.layerQuantInverted());
        }
        kv.put("bytes", cache.bytesHeld());
        kv.put("full_kv_bytes", cache.fullKvEquivalentBytes());
        kv.put("compression_ratio", cache.bytesHeld() == 0 ? 0 : (double) cache.fullKvEquivalentBytes() / cache.bytesHeld());
        kv.put("peak_bytes", cache.peakBytes());
        kv.put("tokens_seen", cache.tokensSeen());
        long nominal = 0;
        ArrayNode layers = kv.putArray("layers");
        for (int l = 0; l < cache.layout().layers(); l++) {
            ObjectNode layer = layers.addObject();
            layer.put("bits", storage.bitsOf(l));
            layer.put("bytes", cache.bytesHeld(l));
            long codes = 0, meta = 0, residual = 0, outliers = 0, floats = 0;
            ArrayNode headBytes = layer.putArray("head_bytes");
            for (int h = 0; h < cache.layout().storedHeads(); h++) {
                HeadStore s = cache.head(l, h);
                headBytes.add(s.bytes());
                nominal += 2L * s.length() * cache.layout().headDim() * storage.bitsOf(l) / 8;
                if (s instanceof QuantizedHeadStore q) {
                    codes += q.codeBytes();
                    meta += q.metadataBytes();
                    residual += q.residualBytes();
                    outliers += q.outlierBytes();
                } else {
                    floats += s.bytes();
                }
            }
            ObjectNode parts = layer.putObject("bytes_breakdown");
            parts.put("codes", codes);
            parts.put("scales_zeros", meta);
            parts.put("residual_fp16", residual);
            parts.put("outliers", outliers);
            parts.put("unquantized", floats);
            ArrayNode kept = layer.putArray("kept_prompt_tokens");
            ArrayNode held = layer.putArray("held_tokens");
            for (int h = 0; h < cache.layout().storedHeads(); h++) {
                HeadStore s = cache.head(l, h);
                kept.add(keptPrompt(s, promptLength).length);
                held.add(s.length());
            }
        }
        // The paper's equal-memory rule counts tokens x bits only (docs/methods/kivi.md#bytes-per-token): report it beside the real bytes.
        kv.put("nominal_bytes", nominal);
        return kv;
    }

    /** What --kv-budget chose. */
    static ObjectNode plan(ByteBudgetPlan plan) {
        ObjectNode o = Json.object();
        o.put("limit_bytes", plan.limitBytes());
        o.put("planned_bytes", plan.bytes());
        o.put("bits", plan.storage().bits());
        o.put("pruned", plan.pruned());
        o.put("token_budget", plan.compression().budget());
        o.set("layer_tokens", Json.array(plan.layerTokens()));
        o.put("reason", plan.reason());
        return o;
    }

    /**
     * Prompt positions a store kept (its entries below the prompt length, which come first), ascending
     * (the reference layout holds them in its cache order).
     */
    static int[] keptPrompt(HeadStore s, int promptLength) {
        int n = 0;
        while (n < s.length() && s.position(n) < promptLength) {
            n++;
        }
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = s.position(i);
        }
        Arrays.sort(out);
        return out;
    }

    /** Writes the kept-position map to FILE through a temporary file, so no half-written map is left. */
    static void writeKeptMap(Path file, Model model, CompressionConfig config, GenerationResult r) {
        KvCache cache = r.cache();
        ObjectNode o = Json.object();
        o.put("model", model.dir().toString());
        o.put("method", config.method().cliName());
        o.set("params", Json.MAPPER.valueToTree(config));
        o.put("prompt_length", r.promptIds().length);
        o.set("prompt_ids", Json.array(r.promptIds()));
        ArrayNode layers = o.putArray("kept");
        for (int l = 0; l < cache.layout().layers(); l++) {
            ArrayNode heads = layers.addArray();
            for (int h = 0; h < cache.layout().storedHeads(); h++) {
                heads.add(Json.array(keptPrompt(cache.head(l, h), r.promptIds().length)));
            }
        }
        AtomicFile.write(file, Json.write(o).getBytes(StandardCharsets.UTF_8));
    }
}
