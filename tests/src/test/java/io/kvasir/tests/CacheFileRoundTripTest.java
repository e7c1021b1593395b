package io.kvasir.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.kvasir.compression.CompressionConfig;
import io.kvasir.compression.cache.HeadStore;
import io.kvasir.compression.cache.KvCache;
import io.kvasir.compression.cache.KvStorage;
import io.kvasir.compression.cache.QuantScheme;
import io.kvasir.compression.file.CacheFile;
import io.kvasir.compression.file.ModelIdentity;
import io.kvasir.compression.file.SavedContext;
import io.kvasir.model.GenerationRequest;
import io.kvasir.model.GenerationResult;
import io.kvasir.model.Generator;
import io.kvasir.model.Model;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #19: a context compressed, saved, loaded and answered gives the tokens and log-probs of the
 * uninterrupted run (prefill the context with --compress context, then the question), for every method of
 * the torch-checked compression fixtures (both GQA layouts) and 8/4/2-bit KIVI and 4-bit KVQuant, on the
 * three fixture models; the loaded stores hold bit for bit what the saved ones held; and the file is the
 * accounted KV bytes plus the stated overhead.
 */
class CacheFileRoundTripTest {
    static final int QUESTION = 8;
    static final int NEW_TOKENS = 10;

    @TempDir
    Path tmp;

    @TestFactory
    Stream<DynamicTest> loadedCacheAnswersAsTheUninterruptedRun() {
        List<DynamicTest> tests = new ArrayList<>();
        for (String name : Fixtures.MODELS) {
            JsonNode ref = Fixtures.json(CompressionEquivalenceTest.DIR.resolve(name + ".json"));
            for (JsonNode c : ref.get("cases")) {
                CompressionConfig config = CompressionEquivalenceTest.config(c);
                tests.add(DynamicTest.dynamicTest(name + " / " + c.get("method").asText() + " " + c.get("gqa_mode").asText(),
                        () -> roundTrip(name, ref, config, KvStorage.F16)));
            }
            for (int bits : new int[] {8, 4, 2}) {
                KvStorage kivi = KvStorage.of(bits).withQuantization(QuantScheme.KIVI, KvStorage.AUTO_GROUP, 3);
                tests.add(DynamicTest.dynamicTest(name + " / kivi " + bits,
                        () -> roundTrip(name, ref, CompressionConfig.builder().build(), kivi)));
                tests.add(DynamicTest.dynamicTest(name + " / snapkv + kivi " + bits,
                        () -> roundTrip(name, ref, CompressionConfig.builder().method("snapkv").budget(64).window(8).build(), kivi)));
            }
            tests.add(DynamicTest.dynamicTest(name + " / kvquant 4 (outliers kept)", () -> roundTrip(name, ref,
                    CompressionConfig.builder().build(),
                    KvStorage.of(4).withQuantization(QuantScheme.KVQUANT, KvStorage.AUTO_GROUP, 3).withOutlierThreshold(0.5f))));
            tests.add(DynamicTest.dynamicTest(name + " / float32", () -> roundTrip(name, ref, CompressionConfig.builder().build(), KvStorage.F32)));
        }
        return tests.stream();
    }

    private void roundTrip(String name, JsonNode ref, CompressionConfig config, KvStorage storage) throws IOException {
        int[] prompt = Fixtures.ints(ref.get("prompt_ids"));
        int[] context = Arrays.copyOf(prompt, prompt.length - QUESTION);
        int[] question = Arrays.copyOfRange(prompt, prompt.length - QUESTION, prompt.length);
        try (Model model = Model.load(Fixtures.model(name))) {
            Generator g = new Generator(model);
            GenerationRequest contextReq = GenerationRequest.greedy(context, NEW_TOKENS).withCompression(config).withKvStorage(storage);
            GenerationRequest questionReq = GenerationRequest.greedy(question, NEW_TOKENS).withCompression(config).withKvStorage(storage);
            // Once to compile the loops: an interpreted first run rounds differently (SameSteps), about 1e-5.
            g.answer(g.prefillContext(contextReq), questionReq, s -> {});
            GenerationResult direct = g.answer(g.prefillContext(contextReq), questionReq, s -> {});

            KvCache saved = g.prefillContext(contextReq);
            ModelIdentity identity = identity(model);
            Path file = tmp.resolve(name + ".kvc");
            CacheFile.Written written;
            try (OutputStream out = Files.newOutputStream(file)) {
                written = CacheFile.write(out, identity, new SavedContext(context, config.method().jsonName(), Map.of(), saved));
            }
            SavedContext loaded = CacheFile.read(file, identity);
            assertArrayEquals(context, loaded.contextIds());
            assertSameStores(saved, loaded.cache());
            assertFileSize(file, written, saved);

            GenerationResult fromFile = g.answer(loaded.copy(), questionReq, s -> {});
            assertArrayEquals(direct.outputIds(), fromFile.outputIds(), "tokens");
            for (int i = 0; i < direct.steps().size(); i++) {
                assertEquals(direct.steps().get(i).logprob(), fromFile.steps().get(i).logprob(), SameSteps.JIT_ROUNDING, "step " + i);
            }
            // The copy answered; the loaded context itself is untouched and answers the same again.
            GenerationResult again = g.answer(loaded.copy(), questionReq, s -> {});
            assertArrayEquals(direct.outputIds(), again.outputIds(), "tokens from a second copy");
        }
    }

    static ModelIdentity identity(Model model) {
        var c = model.config();
        return new ModelIdentity("model-" + model.dir().getFileName(), "tokenizer-" + model.dir().getFileName(), c.numLayers(),
                c.numKvHeads(), c.numHeads(), c.headDim(), c.vocabSize());
    }

    /** Every entry's position, key and value bit for bit, and the bytes each store accounts. */
    private static void assertSameStores(KvCache a, KvCache b) {
        int d = a.layout().headDim();
        assertEquals(a.bytesHeld(), b.bytesHeld(), "bytes held");
        assertEquals(a.tokensSeen(), b.tokensSeen(), "tokens seen");
        for (int l = 0; l < a.layout().layers(); l++) {
            for (int h = 0; h < a.layout().storedHeads(); h++) {
                HeadStore x = a.head(l, h), y = b.head(l, h);
                assertEquals(x.getClass(), y.getClass());
                assertEquals(x.length(), y.length(), "layer " + l + " head " + h + " entries");
                float[] kx = new float[d], ky = new float[d], vx = new float[d], vy = new float[d];
                for (int i = 0; i < x.length(); i++) {
                    assertEquals(x.position(i), y.position(i));
                    x.readKey(i, kx, 0);
                    y.readKey(i, ky, 0);
                    x.readValue(i, vx, 0);
                    y.readValue(i, vy, 0);
                    assertArrayEquals(kx, ky, 0f);
                    assertArrayEquals(vx, vy, 0f);
                }
            }
        }
    }

    /**
     * File = accounted KV bytes + positions (4 bytes per entry) + padding of each section to 8 bytes + the
     * stated overhead (16-byte header, the table, zeros up to the 64-byte aligned payload).
     */
    private static void assertFileSize(Path file, CacheFile.Written written, KvCache cache) throws IOException {
        assertEquals(Files.size(file), written.fileBytes());
        long entries = Arrays.stream(cache.lengths()).flatMapToInt(Arrays::stream).asLongStream().sum();
        long sections = 0;
        for (int l = 0; l < cache.layout().layers(); l++) {
            for (int h = 0; h < cache.layout().storedHeads(); h++) {
                sections += cache.head(l, h) instanceof io.kvasir.compression.cache.KiviHeadStore ? 12 : 3;
            }
        }
        long padding = written.payloadBytes() - cache.bytesHeld() - 4 * entries;
        assertTrue(padding >= 0 && padding < 8 * sections, "section padding " + padding + " for " + sections + " sections");
        long overhead = written.overheadBytes() - 16 - written.tableBytes();
        assertTrue(overhead >= 0 && overhead < 64, "zeros before the payload: " + overhead);
    }
}
