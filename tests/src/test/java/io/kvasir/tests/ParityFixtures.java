package io.kvasir.tests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kvasir.tokenizer.Tokenizer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The fixtures of tests/tools/parity_reference.py (issue #20): reference benchmark scripts run on our text. */
final class ParityFixtures {
    static final Path DIR = Fixtures.ROOT.resolve("parity");
    private static final ObjectMapper JSON = new ObjectMapper();

    private ParityFixtures() {}

    static JsonNode json(String name) {
        return Fixtures.json(DIR.resolve(name + ".json"));
    }

    /**
     * A fixture model's tokenizer with tokenizer_config.json's clean_up_tokenization_spaces set as the reference
     * run had it (the committed configs say false), copied into dir.
     */
    static Tokenizer tokenizer(String model, boolean cleanUp, Path dir) {
        try {
            Path src = Fixtures.model(model);
            Files.copy(src.resolve("tokenizer.json"), dir.resolve("tokenizer.json"));
            Files.copy(src.resolve("tokenizer_config.json"), dir.resolve("tokenizer_config.json"));
            setCleanUp(dir, cleanUp);
            return Tokenizer.load(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sets clean_up_tokenization_spaces in dir/tokenizer_config.json. */
    static void setCleanUp(Path dir, boolean cleanUp) throws IOException {
        Path file = dir.resolve("tokenizer_config.json");
        ObjectNode config = (ObjectNode) JSON.readTree(file.toFile());
        config.put("clean_up_tokenization_spaces", cleanUp);
        Files.writeString(file, JSON.writeValueAsString(config));
    }
}
