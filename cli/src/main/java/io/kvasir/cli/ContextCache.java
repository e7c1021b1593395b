package io.kvasir.cli;

import io.kvasir.bench.AtomicFile;
import io.kvasir.bench.RunMetadata;
import io.kvasir.bench.Utf8File;
import io.kvasir.compression.CompressionConfig;
import io.kvasir.compression.file.CacheFile;
import io.kvasir.compression.file.ModelIdentity;
import io.kvasir.compression.file.SavedContext;
import io.kvasir.model.GenerationRequest;
import io.kvasir.model.Generator;
import io.kvasir.model.Model;
import io.kvasir.model.ModelConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A compressed context shared by `kvasir prefill` and `kvasir generate --context-file/--load`: read and
 * tokenized one way (the context with BOS, each question without), compressed with no question in view,
 * saved to and loaded from cache files (io.kvasir.compression.file.CacheFile).
 */
final class ContextCache {
    private ContextCache() {}

    /** The fingerprints and shape a cache file must match: the run metadata's model fingerprint, sha256 of tokenizer.json. */
    static ModelIdentity identity(Model m) {
        ModelConfig c = m.config();
        Path tokenizer = m.dir().resolve("tokenizer.json");
        return new ModelIdentity(RunMetadata.fingerprint(m.dir()),
                Files.isRegularFile(tokenizer) ? RunMetadata.sha256(tokenizer) : "none", c.numLayers(), c.numKvHeads(),
                c.numHeads(), c.headDim(), c.vocabSize());
    }

    /** The context's ids: tokenized alone, with the model's BOS. */
    static int[] contextIds(Model m, Path file) {
        int[] ids = m.tokenizer().encode(Utf8File.read(file), true);
        if (ids.length == 0) {
            throw new IllegalArgumentException("--context-file " + file + ": the context is empty (0 tokens)");
        }
        return ids;
    }

    /** A question's ids: tokenized alone, without BOS, so that it reads on after the context. */
    static int[] questionIds(Model m, String question) {
        return m.tokenizer().encode(question, false);
    }

    /** Prefills the context, compressed with no question in view (--compress context). */
    static SavedContext prefill(Generator g, int[] contextIds, CacheSetup.Chosen chosen, int maxNewTokens) {
        CompressionConfig config = chosen.compression();
        GenerationRequest req = new GenerationRequest(contextIds, maxNewTokens, io.kvasir.model.SamplingSettings.GREEDY,
                java.util.List.of(), config, chosen.storage(), null, null);
        Map<String, String> parameters = new LinkedHashMap<>();
        config.parameters().forEach((k, v) -> parameters.put(k, String.valueOf(v)));
        return new SavedContext(contextIds, config.method().cliName(), parameters, g.prefillContext(req));
    }

    /** Writes the cache file atomically (nothing half-written stays behind). */
    static CacheFile.Written save(Path file, ModelIdentity identity, SavedContext context) {
        CacheFile.Written[] written = new CacheFile.Written[1];
        AtomicFile.write(file, out -> written[0] = CacheFile.write(out, identity, context));
        return written[0];
    }
}
