package io.kvasir.tests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Paths to the committed fixtures made by tests/tools/make_fixtures.py with transformers. */
final class Fixtures {
    static final Path ROOT = Path.of("fixtures");
    /** The bundled demo model (issue #4), trained by tools/train_demo_model.py. */
    static final Path DEMO_MODEL = Path.of("../models/kvasir-demo-retrieval");
    static final List<String> MODELS = List.of("llama-gqa-bf16", "mistral-mha-f16", "qwen2-bias-f32");
    private static final ObjectMapper JSON = new ObjectMapper();

    private Fixtures() {}

    static Path model(String name) {
        return ROOT.resolve("models").resolve(name);
    }

    static JsonNode json(Path file) {
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static int[] ints(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asInt();
        }
        return out;
    }

    /** Copies a fixture model folder to dir, so a test can damage the copy. */
    static Path copyModel(String name, Path dir) {
        Path src = model(name);
        try (Stream<Path> files = Files.list(src)) {
            for (Path f : files.toList()) {
                Files.copy(f, dir.resolve(f.getFileName()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return dir;
    }
}
