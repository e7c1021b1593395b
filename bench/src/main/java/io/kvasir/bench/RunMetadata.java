package io.kvasir.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kvasir.compression.CompressionConfig;
import io.kvasir.compression.cache.KvStorage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/** What every benchmark result file records about the run that produced it. */
public final class RunMetadata {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Blocks of each weight file hashed into the fingerprint, besides its header. */
    private static final int SAMPLES = 16, SAMPLE_BYTES = 4096;

    private RunMetadata() {}

    /**
     * model path, sha256 of its config.json, the model fingerprint, compression method and all its parameters,
     * KV storage (bits, scheme, group, residual, LayerQuant), kvasir version, seed, start time.
     */
    public static ObjectNode of(Path modelDir, CompressionConfig compression, KvStorage storage, String kvasirVersion,
                                long seed) {
        ObjectNode o = JSON.createObjectNode();
        o.put("model", modelDir.toAbsolutePath().normalize().toString());
        o.put("model_config_sha256", sha256(modelDir.resolve("config.json")));
        o.put("model_fingerprint", fingerprint(modelDir));
        o.put("model_fingerprint_covers", "sha256 of config.json, tokenizer.json and, per *.safetensors file, its name,"
                + " size, header and " + SAMPLES + " evenly spaced " + SAMPLE_BYTES + "-byte blocks");
        o.put("method", compression.method().cliName());
        try {
            o.set("compression", JSON.valueToTree(compression.parameters()));
        } catch (IllegalArgumentException e) {
            o.put("compression", compression.toString());
        }
        o.put("kv_bits", storage.bits());
        o.set("kv_storage", storage(storage));
        o.put("sampling", "greedy");
        o.put("seed", seed);
        o.put("kvasir_version", kvasirVersion);
        o.put("java_version", Runtime.version().toString());
        o.put("started_utc", Instant.now().toString());
        return o;
    }

    static ObjectNode storage(KvStorage s) {
        ObjectNode o = JSON.createObjectNode();
        o.put("bits", s.bits());
        o.put("description", s.describe());
        if (s.bits() <= 8 || s.layerQuant()) {
            o.put("scheme", s.scheme().cliName());
            o.put("group", s.group());
            o.put("residual_tokens", s.residual());
            if (!Float.isNaN(s.outlierThreshold())) o.put("outlier_threshold", s.outlierThreshold());
        }
        if (s.layerQuant()) {
            o.put("layer_quant_begin", s.layerQuantBegin());
            o.put("layer_quant_end", s.layerQuantEnd());
            o.put("layer_quant_bits", s.layerQuantBits());
            o.put("layer_quant_inverted", s.layerQuantInverted());
        }
        return o;
    }

    /**
     * A copy of meta with what the result lines (each with kv_bytes, prefill_ms, decode_ms) add up to: items,
     * mean KV bytes held per sequence, mean effective bits per cached entry (beside the requested kv_bits; over
     * the lines that carry kv_effective_bits), total prefill and decode time, this session's wall time, finish time.
     */
    public static ObjectNode withTotals(ObjectNode meta, Collection<JsonNode> lines, double sessionSeconds) {
        ObjectNode o = meta.deepCopy();
        double kv = 0, prefill = 0, decode = 0, bits = 0;
        int withBits = 0;
        for (JsonNode n : lines) {
            kv += n.path("kv_bytes").asDouble();
            if (n.path("kv_effective_bits").isNumber()) {
                bits += n.get("kv_effective_bits").asDouble();
                withBits++;
            }
            prefill += n.path("prefill_ms").asDouble();
            decode += n.path("decode_ms").asDouble();
        }
        o.put("items", lines.size());
        if (lines.isEmpty()) o.putNull("mean_kv_bytes"); else o.put("mean_kv_bytes", kv / lines.size());
        if (withBits == 0) o.putNull("mean_kv_effective_bits"); else o.put("mean_kv_effective_bits", bits / withBits);
        ObjectNode t = o.putObject("timings");
        t.put("prefill_ms_total", prefill);
        t.put("decode_ms_total", decode);
        t.put("session_wall_seconds", sessionSeconds);
        o.put("finished_utc", Instant.now().toString());
        return o;
    }

    public static String sha256(Path file) {
        try {
            return HexFormat.of().formatHex(digest().digest(Files.readAllBytes(file)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /**
     * A cheap identity of the weights: hashing whole multi-GB files would take longer than many runs, while
     * the header (names, shapes, dtypes, offsets) plus sampled blocks tell apart fine-tunes of one architecture.
     */
    public static String fingerprint(Path modelDir) {
        MessageDigest md = digest();
        try {
            md.update(Files.readAllBytes(modelDir.resolve("config.json")));
            Path tokenizer = modelDir.resolve("tokenizer.json");
            if (Files.isRegularFile(tokenizer)) md.update(Files.readAllBytes(tokenizer));
            List<Path> weights;
            try (Stream<Path> s = Files.list(modelDir)) {
                weights = s.filter(p -> p.getFileName().toString().endsWith(".safetensors")).sorted().toList();
            }
            for (Path w : weights) {
                try (FileChannel ch = FileChannel.open(w)) {
                    long size = ch.size();
                    md.update((w.getFileName() + "\0" + size + "\0").getBytes(StandardCharsets.UTF_8));
                    ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
                    ch.read(len, 0);
                    long header = size >= 8 ? len.flip().getLong() : 0;
                    md.update(read(ch, 0, (int) Math.max(0, Math.min(8 + header, size))));
                    for (int i = 0; i < SAMPLES; i++) {
                        long at = Math.max(0, (size - SAMPLE_BYTES) * i / Math.max(1, SAMPLES - 1));
                        md.update(read(ch, at, (int) Math.min(SAMPLE_BYTES, size - at)));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read model " + modelDir + ": " + e.getMessage(), e);
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private static byte[] read(FileChannel ch, long at, int n) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(Math.max(0, n));
        while (b.hasRemaining() && ch.read(b, at + b.position()) > 0) {
            // keep reading until the block is full or the file ends
        }
        return b.array();
    }

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
