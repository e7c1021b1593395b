package io.kvasir.safetensors;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** Reads the {@code weight_map} of a {@code model.safetensors.index.json}: which shard file holds each tensor. */
final class ShardIndex {

    /** Real indexes are a few hundred KB; anything near this is not an index. */
    private static final long MAX_INDEX_BYTES = 100_000_000L;

    private ShardIndex() {
    }

    /**
     * @param indexFile the index JSON
     * @param directory the model folder, absolute and normalized; every shard must lie inside it
     * @return tensor name to normalized shard path, in the index's order
     * @throws SafetensorsFormatException if the index is malformed or a shard path leaves the folder
     */
    static Map<String, Path> read(Path indexFile, Path directory) {
        byte[] bytes;
        try {
            long size = Files.size(indexFile);
            if (size > MAX_INDEX_BYTES) {
                throw new SafetensorsFormatException(indexFile + ": " + size + " bytes exceeds the 100 MB limit for an index");
            }
            bytes = Files.readAllBytes(indexFile);
        } catch (IOException e) {
            throw new UncheckedIOException(indexFile + ": cannot read: " + SafetensorsFile.reason(e), e);
        }
        JsonNode weightMap = StrictJson.parseObject(bytes, indexFile, "index").get("weight_map");
        if (weightMap == null || !weightMap.isObject()) {
            throw new SafetensorsFormatException(indexFile + ": no \"weight_map\" object");
        }
        if (weightMap.isEmpty()) {
            throw new SafetensorsFormatException(indexFile + ": \"weight_map\" lists no tensors");
        }
        Map<String, Path> shards = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : weightMap.properties()) {
            shards.put(e.getKey(), shardPath(e.getKey(), e.getValue(), indexFile, directory));
        }
        return Collections.unmodifiableMap(shards);
    }

    /**
     * The index is data from the internet, so a shard path must not reach outside the model folder.
     * The check is lexical (normalize, then prefix) on purpose: the Hugging Face cache stores shards
     * as symlinks into a sibling blobs folder, which resolving real paths would wrongly reject.
     */
    private static Path shardPath(String tensor, JsonNode value, Path indexFile, Path directory) {
        String where = indexFile + ": shard for tensor '" + tensor + "'";
        if (!value.isTextual() || value.textValue().isBlank()) {
            throw new SafetensorsFormatException(where + " is not a file name");
        }
        String name = value.textValue();
        Path relative;
        try {
            relative = Path.of(name);
        } catch (InvalidPathException e) {
            throw new SafetensorsFormatException(where + " '" + name + "' is not a valid path", e);
        }
        if (relative.isAbsolute() || name.startsWith("/") || name.startsWith("\\")) {
            throw new SafetensorsFormatException(where + " '" + name + "' is an absolute path; shards must be inside " + directory);
        }
        Path resolved = directory.resolve(relative).normalize();
        if (!resolved.startsWith(directory) || resolved.equals(directory)) {
            throw new SafetensorsFormatException(where + " '" + name + "' resolves outside the model folder " + directory);
        }
        return resolved;
    }
}
