package io.kvasir.tests;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.kvasir.compression.CompressionConfig;
import io.kvasir.compression.cache.KvCache;
import io.kvasir.compression.cache.KvStorage;
import io.kvasir.compression.cache.QuantScheme;
import io.kvasir.compression.file.CacheFile;
import io.kvasir.compression.file.CacheFileException;
import io.kvasir.compression.file.ModelIdentity;
import io.kvasir.compression.file.SavedContext;
import io.kvasir.model.GenerationRequest;
import io.kvasir.model.Generator;
import io.kvasir.model.Model;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #19 item 4: cache files come from strangers. Every damaged file is refused with one line naming
 * the file and the problem (CacheFileException, which the CLI turns into exit 2), never another exception:
 * another model, tokenizer, format version or architecture; truncated or extended; every single byte of the
 * header and table flipped; section offsets past the end; section lengths that disagree with the counts.
 */
class CacheFileCorruptionTest {
    @TempDir
    static Path tmp;
    static ModelIdentity identity;
    static byte[] good;
    static long tableLength;

    @BeforeAll
    static void save() throws IOException {
        try (Model model = Model.load(Fixtures.model("llama-gqa-bf16"))) {
            int[] ids = Fixtures.ints(Fixtures.json(CompressionEquivalenceTest.DIR.resolve("llama-gqa-bf16.json")).get("prompt_ids"));
            CompressionConfig snap = CompressionConfig.builder().method("snapkv").budget(64).window(8).build();
            KvStorage kivi = KvStorage.of(4).withQuantization(QuantScheme.KIVI, KvStorage.AUTO_GROUP, 3);
            KvCache cache = new Generator(model).prefillContext(GenerationRequest.greedy(ids, 4).withCompression(snap).withKvStorage(kivi));
            identity = CacheFileRoundTripTest.identity(model);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            CacheFile.write(out, identity, new SavedContext(ids, "snapkv", Map.of("budget", "64"), cache));
            good = out.toByteArray();
            tableLength = ByteBuffer.wrap(good).order(ByteOrder.LITTLE_ENDIAN).getInt(12);
        }
    }

    @Test
    void theIntactFileLoads() throws IOException {
        CacheFile.read(write("good.kvc", good), identity);
    }

    @Test
    void anotherModelTokenizerOrArchitecture() throws IOException {
        Path f = write("good.kvc", good);
        refused(f, new ModelIdentity("other", identity.tokenizerFingerprint(), identity.layers(), identity.kvHeads(),
                identity.queryHeads(), identity.headDim(), identity.vocabSize()), "made with another model");
        refused(f, new ModelIdentity(identity.modelFingerprint(), "other", identity.layers(), identity.kvHeads(),
                identity.queryHeads(), identity.headDim(), identity.vocabSize()), "made with another tokenizer");
        refused(f, new ModelIdentity(identity.modelFingerprint(), identity.tokenizerFingerprint(), identity.layers() + 1,
                identity.kvHeads(), identity.queryHeads(), identity.headDim(), identity.vocabSize()), "layers");
        refused(f, new ModelIdentity(identity.modelFingerprint(), identity.tokenizerFingerprint(), identity.layers(),
                identity.kvHeads(), identity.queryHeads(), identity.headDim() * 2, identity.vocabSize()), "head dimension");
    }

    @Test
    void anotherFormatVersionOrNoMagic() throws IOException {
        byte[] b = good.clone();
        b[8] = 2;
        refused(write("v2.kvc", b), identity, "format version 2, this kvasir reads version 1");
        byte[] c = good.clone();
        c[0] = 'X';
        refused(write("magic.kvc", c), identity, "not a kvasir cache file");
    }

    @Test
    void truncatedOrExtended() throws IOException {
        for (int n : new int[] {0, 7, 15, 16, 40, (int) tableLength, good.length / 2, good.length - 1}) {
            Path f = write("cut.kvc", Arrays.copyOf(good, n));
            CacheFileException e = assertThrows(CacheFileException.class, () -> CacheFile.read(f, identity), n + " bytes");
            oneLineNaming(f, e);
        }
        refused(write("long.kvc", Arrays.copyOf(good, good.length + 1)), identity, "truncated or extended");
    }

    /** Each byte of the header and table flipped: refused in one line, or (a byte of report-only text) loaded. */
    @Test
    void everyFlippedByteOfTheTable() throws IOException {
        int refusedCount = 0;
        for (int i = 0; i < 16 + tableLength; i++) {
            byte[] b = good.clone();
            b[i] ^= (byte) 0xFF;
            Path f = write("flip.kvc", b);
            try {
                CacheFile.read(f, identity);
            } catch (CacheFileException e) {
                oneLineNaming(f, e);
                refusedCount++;
            } catch (RuntimeException e) {
                fail("byte " + i + " flipped: " + e, e);
            }
        }
        assertTrue(refusedCount > tableLength / 2, refusedCount + " of " + (16 + tableLength) + " flips refused");
    }

    @Test
    void sectionOffsetPastTheEndOrLengthThatDisagrees() throws IOException {
        long payload = good.length - payloadStart();
        // The first head's positions section: offset 0, 4 bytes per entry; find its struct in the table.
        ByteBuffer t = ByteBuffer.wrap(good).order(ByteOrder.LITTLE_ENDIAN);
        int at = -1;
        for (int i = 16; i + 16 <= 16 + tableLength; i += 4) {
            if (t.getLong(i) == 0 && t.getLong(i + 8) > 0 && t.getLong(i + 8) % 4 == 0 && t.getLong(i + 8) <= 4L * 419
                    && i + 24 <= 16 + tableLength && t.getLong(i + 16) == (t.getLong(i + 8) + 7) / 8 * 8) {
                at = i;
                break;
            }
        }
        assertTrue(at > 0, "first section found in the table");
        byte[] past = good.clone();
        ByteBuffer.wrap(past).order(ByteOrder.LITTLE_ENDIAN).putLong(at, payload + 8);
        refused(write("past.kvc", past), identity, "lies past the end");
        byte[] huge = good.clone();
        ByteBuffer.wrap(huge).order(ByteOrder.LITTLE_ENDIAN).putLong(at, -8L);
        refused(write("huge.kvc", huge), identity, "lies past the end");
        byte[] longer = good.clone();
        ByteBuffer.wrap(longer).order(ByteOrder.LITTLE_ENDIAN).putLong(at + 8, t.getLong(at + 8) + 4);
        refused(write("length.kvc", longer), identity, "its counts need");
    }

    /** A NaN in the payload (here the first key of a half-precision head) would poison every later logit. */
    @Test
    void nonFiniteValueInThePayload() throws IOException {
        try (Model model = Model.load(Fixtures.model("llama-gqa-bf16"))) {
            int[] ids = Fixtures.ints(Fixtures.json(CompressionEquivalenceTest.DIR.resolve("llama-gqa-bf16.json")).get("prompt_ids"));
            KvCache cache = new Generator(model).prefillContext(GenerationRequest.greedy(ids, 4).withKvStorage(KvStorage.F16));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            CacheFile.write(out, identity, new SavedContext(ids, "full", Map.of(), cache));
            byte[] b = out.toByteArray();
            long table = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getInt(12);
            // payload: head (0, 0)'s positions (4 bytes per entry, padded to 8), then its keys
            int keys = (int) ((16 + table + 63) / 64 * 64 + (4L * cache.head(0, 0).length() + 7) / 8 * 8);
            ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putShort(keys, (short) 0x7E00);
            refused(write("nan.kvc", b), identity, "layer 0 head 0: section 1 element 0 is not a finite number");
        }
    }

    private static long payloadStart() {
        return (16 + tableLength + 63) / 64 * 64;
    }

    private static Path write(String name, byte[] bytes) throws IOException {
        Path f = tmp.resolve(name);
        Files.write(f, bytes);
        return f;
    }

    private static void refused(Path f, ModelIdentity id, String problem) {
        CacheFileException e = assertThrows(CacheFileException.class, () -> CacheFile.read(f, id));
        oneLineNaming(f, e);
        assertTrue(e.getMessage().contains(problem), e.getMessage());
    }

    private static void oneLineNaming(Path f, CacheFileException e) {
        assertTrue(e.getMessage().startsWith(f.toString() + ": "), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"), e.getMessage());
    }
}
