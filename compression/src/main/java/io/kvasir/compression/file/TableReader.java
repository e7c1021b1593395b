package io.kvasir.compression.file;

import io.kvasir.compression.cache.KvCache;
import io.kvasir.compression.cache.KvStorage;
import io.kvasir.compression.cache.QuantScheme;
import io.kvasir.compression.file.fb.CacheFile;
import io.kvasir.compression.file.fb.Head;
import io.kvasir.compression.file.fb.Layer;
import io.kvasir.compression.file.fb.Parameter;
import io.kvasir.compression.file.fb.Section;
import io.kvasir.compression.policy.GqaMode;
import io.kvasir.compression.policy.KvLayout;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The checks of a cache file's table against the model and the payload. FlatBuffers' Java accessors
 * read through a bounds-checked ByteBuffer (a bad offset throws, it never reads outside the table);
 * every vector length is checked against the table's size before anything is allocated from it.
 */
final class TableReader {
    /** Largest group or residual a file may state: far beyond any useful one, small enough to allocate. */
    static final long MAX_RESIDUAL = 1 << 16;

    private TableReader() {}

    static SavedContext read(Path file, CacheFile t, int tableLength, ModelIdentity model, MemorySegment mapped,
                             long payloadStart, long fileSize) {
        check(file, "model", t.modelFingerprint(), model.modelFingerprint());
        check(file, "tokenizer", t.tokenizerFingerprint(), model.tokenizerFingerprint());
        same(file, "layers", t.layers(), model.layers());
        same(file, "KV heads", t.kvHeads(), model.kvHeads());
        same(file, "query heads", t.queryHeads(), model.queryHeads());
        same(file, "head dimension", t.headDim(), model.headDim());
        long payloadBytes = t.payloadLength();
        if (payloadStart > fileSize || payloadBytes != fileSize - payloadStart) {
            throw bad(file, "the table states a payload of " + Long.toUnsignedString(payloadBytes) + " bytes, the file holds "
                    + Math.max(0, fileSize - payloadStart) + " (truncated or extended)");
        }
        KvLayout layout = new KvLayout(model.layers(), model.kvHeads(), model.queryHeads(), model.headDim(), gqaMode(file, t.gqaMode()));
        KvStorage storage = storage(file, t, model.layers(), model.headDim());
        int[] ids = new int[vectorLength(file, "context ids", t.contextIdsLength(), tableLength, Integer.BYTES)];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = t.contextIds(i);
            if (ids[i] < 0 || ids[i] >= model.vocabSize()) {
                throw bad(file, "context token " + i + " has id " + ids[i] + ", outside the vocabulary of " + model.vocabSize());
            }
        }
        if (ids.length == 0) {
            throw bad(file, "the context has no tokens");
        }
        Map<String, String> parameters = new LinkedHashMap<>();
        for (int i = 0; i < vectorLength(file, "parameters", t.parametersLength(), tableLength, 4); i++) {
            Parameter p = t.parameters(i);
            parameters.put(String.valueOf(p.name()), String.valueOf(p.value()));
        }
        PayloadWriter.SavedHead[][] heads = heads(file, t, tableLength, layout, storage);
        KvCache cache = StoreImages.restore(layout, storage, mapped.asSlice(payloadStart, payloadBytes), heads, ids.length,
                file.toString());
        return new SavedContext(ids, String.valueOf(t.method()), parameters, cache);
    }

    private static PayloadWriter.SavedHead[][] heads(Path file, CacheFile t, int tableLength, KvLayout layout, KvStorage storage) {
        if (t.layerLength() != layout.layers()) {
            throw bad(file, "lists " + t.layerLength() + " layers of heads, the model has " + layout.layers());
        }
        PayloadWriter.SavedHead[][] heads = new PayloadWriter.SavedHead[layout.layers()][layout.storedHeads()];
        for (int l = 0; l < heads.length; l++) {
            Layer layer = t.layer(l);
            if (layer.bits() != storage.bitsOf(l)) {
                throw bad(file, "layer " + l + " states " + layer.bits() + "-bit entries, its storage gives "
                        + storage.bitsOf(l));
            }
            if (layer.headsLength() != layout.storedHeads()) {
                throw bad(file, "layer " + l + " lists " + layer.headsLength() + " heads, the "
                        + layout.gqaMode() + " layout stores " + layout.storedHeads());
            }
            for (int h = 0; h < heads[l].length; h++) {
                Head head = layer.heads(h);
                int n = vectorLength(file, "layer " + l + " head " + h + " sections", head.sectionsLength(), tableLength, 16);
                List<long[]> sections = new ArrayList<>(n);
                Section s = new Section();
                for (int i = 0; i < n; i++) {
                    head.sections(s, i);
                    sections.add(new long[] {s.offset(), s.length()});
                }
                heads[l][h] = new PayloadWriter.SavedHead(count(file, l, h, head.length()), count(file, l, h, head.coded()),
                        count(file, l, h, head.outliers()), sections);
            }
        }
        return heads;
    }

    private static int count(Path file, int layer, int head, long value) {
        if (value > Integer.MAX_VALUE) {
            throw bad(file, "layer " + layer + " head " + head + ": count " + value + " is not a valid size");
        }
        return (int) value;
    }

    private static KvStorage storage(Path file, CacheFile t, int layers, int headDim) {
        QuantScheme scheme;
        try {
            scheme = QuantScheme.parse(String.valueOf(t.scheme()));
        } catch (IllegalArgumentException e) {
            throw bad(file, "unknown quantization scheme " + shown(t.scheme()));
        }
        if (scheme == QuantScheme.REFERENCE) {
            throw bad(file, "states --quant reference storage, which cache files do not hold");
        }
        if (t.group() > MAX_RESIDUAL || t.residual() > MAX_RESIDUAL) {
            // Both size the stores' residual buffers: bounded before anything is allocated from them (a quantized
            // layer's group must also divide the head dimension: KvStorage.check below).
            throw bad(file, "quantization group " + t.group() + " or residual " + t.residual() + " out of range (at most "
                    + MAX_RESIDUAL + ")");
        }
        try {
            KvStorage s = new KvStorage(t.bits(), scheme, (int) t.group(), (int) t.residual(),
                    t.outlierThreshold(), Math.toIntExact(t.layerQuantBegin()), Math.toIntExact(t.layerQuantEnd()),
                    t.layerQuantBits(), t.layerQuantInverted());
            s.check(layers, headDim);
            return s;
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw bad(file, "invalid KV storage: " + e.getMessage());
        }
    }

    private static GqaMode gqaMode(Path file, String name) {
        for (GqaMode m : GqaMode.values()) {
            if (m.name().equals(name)) {
                return m;
            }
        }
        throw bad(file, "unknown GQA layout " + shown(name));
    }

    /** A vector's length, checked to fit the table (each element at least elementBytes) before it sizes anything. */
    private static int vectorLength(Path file, String what, int length, int tableLength, int elementBytes) {
        if (length < 0 || (long) length * elementBytes > tableLength) {
            throw bad(file, "corrupt table: " + what + " claim " + length + " entries in a " + tableLength + "-byte table");
        }
        return length;
    }

    private static void check(Path file, String what, String stored, String expected) {
        if (!expected.equals(stored)) {
            throw bad(file, "made with another " + what + " (fingerprint " + abbreviate(stored) + ", this "
                    + what + " has " + abbreviate(expected) + ")");
        }
    }

    private static void same(Path file, String what, long stored, int expected) {
        if (stored != expected) {
            throw bad(file, "made for a model with " + stored + " " + what + ", this model has " + expected);
        }
    }

    private static String abbreviate(String fingerprint) {
        return fingerprint == null ? "none" : shown(fingerprint.length() > 12 ? fingerprint.substring(0, 12) + "…" : fingerprint);
    }

    /** Text from the file as an error shows it: quoted, control characters as '?', at most 40 characters. */
    private static String shown(String text) {
        if (text == null) {
            return "(none)";
        }
        String cut = text.length() > 40 ? text.substring(0, 40) + "…" : text;
        return "'" + cut.codePoints().map(c -> Character.isISOControl(c) ? '?' : c)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append) + "'";
    }

    private static CacheFileException bad(Path file, String problem) {
        return io.kvasir.compression.file.CacheFile.bad(file, problem);
    }
}
