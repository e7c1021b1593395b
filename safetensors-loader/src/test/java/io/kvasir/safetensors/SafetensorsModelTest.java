package io.kvasir.safetensors;

import static io.kvasir.safetensors.SafetensorsBytes.f32;
import static io.kvasir.safetensors.SafetensorsBytes.shape;
import static io.kvasir.safetensors.SafetensorsBytes.u16;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Finding a model's files: single file, sharded index, or every *.safetensors in the folder. */
class SafetensorsModelTest {

    @TempDir
    Path root;

    private Path model() throws IOException {
        return Files.createDirectories(root.resolve("model"));
    }

    private static void index(Path dir, String weightMapJson) throws IOException {
        Files.writeString(dir.resolve("model.safetensors.index.json"),
                "{\"metadata\":{\"total_size\":0},\"weight_map\":" + weightMapJson + "}");
    }

    private static SafetensorsFormatException rejected(Path dir, String... fragments) {
        var e = assertThrows(SafetensorsFormatException.class, () -> SafetensorsModel.open(dir).close());
        for (String fragment : fragments) {
            assertTrue(e.getMessage().contains(fragment), () -> "expected '" + fragment + "' in: " + e.getMessage());
        }
        return e;
    }

    @Test
    void singleFile() throws IOException {
        Path dir = model();
        new SafetensorsBytes()
                .tensor("embed", "BF16", shape(2, 2), u16(0x3F80, 0x4000, 0x4040, 0x4080))
                .tensor("norm", "F32", shape(2), f32(0.5f, 0.25f))
                .write(dir.resolve("model.safetensors"));
        try (SafetensorsModel m = SafetensorsModel.open(dir)) {
            assertEquals(List.of("embed", "norm"), List.copyOf(m.names()));
            assertTrue(m.contains("norm"));
            assertFalse(m.contains("lm_head.weight"));
            assertEquals(4.0f, m.tensor("embed").getFloat(3));
            assertEquals(0.25f, m.tensor("norm").getFloat(1));
            assertEquals(Map.of(DType.BF16, 8L, DType.F32, 8L), m.bytesByDType());
            assertEquals(16, m.totalBytes());
            assertEquals(6, m.totalElements());
            assertEquals(List.of(dir.resolve("model.safetensors")), m.files());
            assertEquals(dir, m.location());
        }
    }

    @Test
    void missingTensorNamesTensorAndFolder() throws IOException {
        Path dir = model();
        new SafetensorsBytes().tensor("a", "F32", shape(1), f32(1)).write(dir.resolve("model.safetensors"));
        try (SafetensorsModel m = SafetensorsModel.open(dir)) {
            var e = assertThrows(SafetensorsFormatException.class, () -> m.tensor("lm_head.weight"));
            assertEquals("missing tensor 'lm_head.weight' in " + dir, e.getMessage());
        }
    }

    @Test
    void shardedIndexWithTwoShards() throws IOException {
        Path dir = model();
        new SafetensorsBytes()
                .tensor("a", "F32", shape(2), f32(1, 2))
                .tensor("c", "F16", shape(1), u16(0x3C00))
                .write(dir.resolve("model-00001-of-00002.safetensors"));
        new SafetensorsBytes()
                .tensor("b", "BF16", shape(1), u16(0xC040))
                .tensor("unlisted", "F32", shape(1), f32(9)) // not in the weight_map: not part of the model
                .write(dir.resolve("model-00002-of-00002.safetensors"));
        index(dir, "{\"a\":\"model-00001-of-00002.safetensors\",\"b\":\"model-00002-of-00002.safetensors\","
                + "\"c\":\"model-00001-of-00002.safetensors\"}");
        try (SafetensorsModel m = SafetensorsModel.open(dir)) {
            assertEquals(List.of("a", "b", "c"), List.copyOf(m.names()));
            assertEquals(2.0f, m.tensor("a").getFloat(1));
            assertEquals(-3.0f, m.tensor("b").getFloat(0));
            assertEquals(1.0f, m.tensor("c").getFloat(0));
            assertEquals(dir.resolve("model-00002-of-00002.safetensors"), m.tensor("b").file());
            assertEquals(2, m.files().size(), "each shard is opened once");
            assertFalse(m.contains("unlisted"));
            assertEquals(Map.of(DType.F32, 8L, DType.F16, 2L, DType.BF16, 2L), m.bytesByDType());
        }
    }

    @Test
    void indexWinsOverOtherFiles() throws IOException {
        Path dir = model();
        new SafetensorsBytes().tensor("x", "F32", shape(1), f32(7)).write(dir.resolve("shard.safetensors"));
        new SafetensorsBytes().tensor("x", "F32", shape(1), f32(-7)).write(dir.resolve("model.safetensors"));
        index(dir, "{\"x\":\"shard.safetensors\"}");
        try (SafetensorsModel m = SafetensorsModel.open(dir)) {
            assertEquals(7f, m.tensor("x").getFloat(0));
            assertEquals(1, m.files().size());
        }
    }

    @Test
    void shardInSubfolderIsAllowed() throws IOException {
        Path dir = model();
        new SafetensorsBytes().tensor("x", "F32", shape(1), f32(5)).write(dir.resolve("weights/s.safetensors"));
        index(dir, "{\"x\":\"weights/../weights/s.safetensors\"}");
        try (SafetensorsModel m = SafetensorsModel.open(dir)) {
            assertEquals(5f, m.tensor("x").getFloat(0));
        }
    }

    @Test
    void shardPathEscapingTheFolderIsRejected() throws IOException {
        Path dir = model();
        // The escaping target exists and is valid, so only the path check can stop it.
        new SafetensorsBytes().tensor("x", "F32", shape(1), f32(1)).write(root.resolve("x.safetensors"));
        index(dir, "{\"x\":\"../x.safetensors\"}");
        rejected(dir, dir.resolve("model.safetensors.index.json").toString(), "tensor 'x'", "'../x.safetensors'",
                "resolves outside the model folder");
        index(dir, "{\"x\":\"sub/../../x.safetensors\"}");
        rejected(dir, "'sub/../../x.safetensors' resolves outside the model folder");
        index(dir, "{\"x\":\".\"}");
        rejected(dir, "resolves outside the model folder");
    }

    @Test
    void absoluteShardPathIsRejected() throws IOException {
        Path dir = model();
        Path inside = new SafetensorsBytes().tensor("x", "F32", shape(1), f32(1)).write(dir.resolve("x.safetensors"));
        // Even an absolute path that points inside the folder: the index must be relocatable.
        index(dir, "{\"x\":\"" + inside.toAbsolutePath() + "\"}");
        rejected(dir, "shard for tensor 'x'", "is an absolute path");
        index(dir, "{\"x\":\"/etc/passwd\"}");
        rejected(dir, "'/etc/passwd' is an absolute path");
    }

    @Test
    void indexProblems() throws IOException {
        Path dir = model();
        new SafetensorsBytes().tensor("a", "F32", shape(1), f32(1)).write(dir.resolve("s.safetensors"));
        String indexName = dir.resolve("model.safetensors.index.json").toString();

        index(dir, "{\"a\":\"s.safetensors\",\"b\":\"s.safetensors\"}");
        rejected(dir, indexName, "tensor 'b' is mapped to s.safetensors, which has no such tensor");

        index(dir, "{\"a\":\"missing.safetensors\"}");
        rejected(dir, indexName, "shard missing.safetensors does not exist");

        index(dir, "{\"a\":3}");
        rejected(dir, indexName, "shard for tensor 'a' is not a file name");

        index(dir, "{}");
        rejected(dir, indexName, "\"weight_map\" lists no tensors");

        Files.writeString(dir.resolve("model.safetensors.index.json"), "{\"metadata\":{}}");
        rejected(dir, indexName, "no \"weight_map\" object");

        Files.writeString(dir.resolve("model.safetensors.index.json"), "{\"weight_map\":");
        rejected(dir, indexName, "index is not valid JSON");
    }

    @Test
    void badShardIsReportedByItsOwnName() throws IOException {
        Path dir = model();
        SafetensorsBytes.write(dir.resolve("s2.safetensors"), SafetensorsBytes.lengthPrefix(1L << 40));
        new SafetensorsBytes().tensor("a", "F32", shape(1), f32(1)).write(dir.resolve("s1.safetensors"));
        index(dir, "{\"a\":\"s1.safetensors\",\"b\":\"s2.safetensors\"}");
        rejected(dir, dir.resolve("s2.safetensors") + ": header length 1099511627776 exceeds the 100 MB limit");
        // The shard opened before the failure was closed again.
        if (SafetensorsMappingTest.canSeeMappings()) {
            assertFalse(SafetensorsMappingTest.isMapped(dir.resolve("s1.safetensors")));
        }
    }

    @Test
    void unindexedShardsAreAllUsed() throws IOException {
        Path dir = model();
        new SafetensorsBytes().tensor("b", "F32", shape(1), f32(2)).write(dir.resolve("part-b.safetensors"));
        new SafetensorsBytes().tensor("a", "F32", shape(1), f32(1)).write(dir.resolve("part-a.safetensors"));
        Files.writeString(dir.resolve("config.json"), "{}");
        try (SafetensorsModel m = SafetensorsModel.open(dir)) {
            assertEquals(List.of("a", "b"), List.copyOf(m.names()));
            assertEquals(2f, m.tensor("b").getFloat(0));
            assertEquals(List.of(dir.resolve("part-a.safetensors"), dir.resolve("part-b.safetensors")), m.files());
        }
    }

    @Test
    void duplicateTensorAcrossUnindexedShardsIsRejected() throws IOException {
        Path dir = model();
        new SafetensorsBytes().tensor("w", "F32", shape(1), f32(1)).write(dir.resolve("one.safetensors"));
        new SafetensorsBytes().tensor("w", "F32", shape(1), f32(2)).write(dir.resolve("two.safetensors"));
        var e = rejected(dir, "tensor 'w' is in both one.safetensors and two.safetensors in " + dir,
                "no model.safetensors.index.json");
        if (SafetensorsMappingTest.canSeeMappings()) {
            assertFalse(SafetensorsMappingTest.isMapped(dir.resolve("one.safetensors")), e.getMessage());
        }
    }

    @Test
    void nothingToLoad() throws IOException {
        Path dir = model();
        Files.writeString(dir.resolve("config.json"), "{}");
        var e = rejected(dir);
        assertEquals("no model.safetensors, model.safetensors.index.json or *.safetensors in " + dir, e.getMessage());

        Path absent = root.resolve("nope");
        assertEquals("model folder " + absent + " does not exist", rejected(absent).getMessage());
    }

    @Test
    void aSingleFileCanBeOpenedAsAModel() throws IOException {
        Path f = new SafetensorsBytes().tensor("w", "F32", shape(1), f32(3)).write(root.resolve("lone.safetensors"));
        try (SafetensorsModel m = SafetensorsModel.open(f)) {
            assertEquals(3f, m.tensor("w").getFloat(0));
            assertEquals(f, m.location());
        }
    }

    @Test
    void huggingFaceCacheSymlinksAreFollowed() throws IOException {
        // The hub cache keeps snapshots/<rev>/model.safetensors -> ../../blobs/<sha>; the lexical
        // shard check must not mistake that for an escape.
        Path blob = new SafetensorsBytes().tensor("w", "F32", shape(1), f32(8)).write(root.resolve("blobs/abc123"));
        Path snapshot = Files.createDirectories(root.resolve("snapshots/rev"));
        try {
            Files.createSymbolicLink(snapshot.resolve("model-00001-of-00001.safetensors"), Path.of("../../blobs/abc123"));
        } catch (IOException | UnsupportedOperationException e) {
            assumeTrue(false, "no symbolic links here: " + e);
        }
        index(snapshot, "{\"w\":\"model-00001-of-00001.safetensors\"}");
        try (SafetensorsModel m = SafetensorsModel.open(snapshot)) {
            assertEquals(8f, m.tensor("w").getFloat(0));
        }
        assertTrue(Files.exists(blob));
    }

    @Test
    void closeInvalidatesEveryShard() throws IOException {
        Path dir = model();
        new SafetensorsBytes().tensor("a", "F32", shape(1), f32(1)).write(dir.resolve("x.safetensors"));
        new SafetensorsBytes().tensor("b", "F32", shape(1), f32(2)).write(dir.resolve("y.safetensors"));
        SafetensorsModel m = SafetensorsModel.open(dir);
        Tensor a = m.tensor("a");
        Tensor b = m.tensor("b");
        m.close();
        assertThrows(IllegalStateException.class, () -> a.getFloat(0));
        assertThrows(IllegalStateException.class, () -> b.getFloat(0));
        assertThrows(IllegalStateException.class, () -> m.tensor("a"));
        m.close();
    }
}
