package io.kvasir.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kvasir.compression.CompressionConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;

/** What every benchmark result file records about the run that produced it. */
public final class RunMetadata {
    private static final ObjectMapper JSON = new ObjectMapper();

    private RunMetadata() {}

    /**
     * model path, sha256 of its config.json, compression method and all its parameters, kvasir version,
     * seed, start time.
     */
    public static ObjectNode of(Path modelDir, CompressionConfig compression, String kvasirVersion, long seed) {
        ObjectNode o = JSON.createObjectNode();
        o.put("model", modelDir.toAbsolutePath().normalize().toString());
        o.put("model_config_sha256", sha256(modelDir.resolve("config.json")));
        o.put("method", compression.method().cliName());
        try {
            o.set("compression", JSON.valueToTree(compression));
        } catch (IllegalArgumentException e) {
            o.put("compression", compression.toString());
        }
        o.put("kv_precision", "f32");
        o.put("sampling", "greedy");
        o.put("seed", seed);
        o.put("kvasir_version", kvasirVersion);
        o.put("java_version", Runtime.version().toString());
        o.put("started_utc", Instant.now().toString());
        return o;
    }

    public static String sha256(Path file) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file));
            return HexFormat.of().formatHex(digest);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
