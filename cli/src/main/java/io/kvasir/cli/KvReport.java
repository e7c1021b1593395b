package io.kvasir.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kvasir.compression.CompressionConfig;
import io.kvasir.compression.HeadStore;
import io.kvasir.compression.KvCache;
import io.kvasir.model.GenerationResult;
import io.kvasir.model.Model;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

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
        kv.put("bits", cache.precision().bytes() * 8);
        kv.put("bytes", cache.bytesHeld());
        kv.put("full_kv_bytes", cache.fullKvEquivalentBytes());
        kv.put("compression_ratio", cache.bytesHeld() == 0 ? 0 : (double) cache.fullKvEquivalentBytes() / cache.bytesHeld());
        kv.put("peak_bytes", cache.peakBytes());
        kv.put("tokens_seen", cache.tokensSeen());
        ArrayNode layers = kv.putArray("layers");
        for (int l = 0; l < cache.layout().layers(); l++) {
            ObjectNode layer = layers.addObject();
            layer.put("bytes", cache.bytesHeld(l));
            ArrayNode kept = layer.putArray("kept_prompt_tokens");
            ArrayNode held = layer.putArray("held_tokens");
            for (int h = 0; h < cache.layout().storedHeads(); h++) {
                HeadStore s = cache.head(l, h);
                kept.add(keptPrompt(s, promptLength).length);
                held.add(s.length());
            }
        }
        return kv;
    }

    /** Prompt positions a store kept (its entries below the prompt length, ascending). */
    static int[] keptPrompt(HeadStore s, int promptLength) {
        int n = 0;
        while (n < s.length() && s.position(n) < promptLength) {
            n++;
        }
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = s.position(i);
        }
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
        try {
            Path abs = file.toAbsolutePath();
            Path tmp = Files.createTempFile(abs.getParent(), abs.getFileName().toString(), ".tmp");
            Files.writeString(tmp, Json.write(o));
            Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("--kept-map " + file + ": cannot write (" + e.getMessage() + ")", e);
        }
    }
}
