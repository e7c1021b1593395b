package io.kvasir.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.kvasir.compression.cache.HeadStore;
import io.kvasir.compression.cache.KvCache;
import io.kvasir.compression.file.CacheFile;
import io.kvasir.compression.file.CacheFileException;
import io.kvasir.compression.file.ModelIdentity;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

/**
 * Compressed KV cache files (kvasir generate --load): header, FlatBuffers table and payload sections.
 * Seeds (CacheFileFuzzTestInputs/) are files of {@link #MODEL}'s shape, made by
 * tests/tools/make_cache_file_seeds.jsh. An accepted file must give a cache whose every entry can be
 * scored, accumulated and appended to.
 */
class CacheFileFuzzTest {
    static final ModelIdentity MODEL = new ModelIdentity("fuzz-model", "fuzz-tokenizer", 2, 1, 2, 16, 100);
    private static final Path FILE = ParserContract.scratch().resolve("cache.kvc");

    @FuzzTest(maxDuration = "20s")
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void read(byte[] bytes) {
        ParserContract.write(FILE, bytes);
        ParserContract.parse(CacheFileException.class, () -> use(CacheFile.read(FILE, MODEL).copy()));
    }

    private static void use(KvCache cache) {
        int d = MODEL.headDim();
        float[] q = new float[d];
        Arrays.fill(q, 1f);
        for (int l = 0; l < cache.layout().layers(); l++) {
            cache.append(l, cache.tokensSeen(), new float[cache.layout().kvHeads() * d], new float[cache.layout().kvHeads() * d]);
            for (int h = 0; h < cache.layout().storedHeads(); h++) {
                HeadStore s = cache.head(l, h);
                float[] scores = new float[s.length()];
                s.scores(q, 0, 1f, scores);
                s.accumulateValues(scores, new float[d], 0);
            }
        }
    }
}
