package io.kvasir.compression.file;

import com.google.flatbuffers.FlatBufferBuilder;
import io.kvasir.compression.cache.KvCache;
import io.kvasir.compression.cache.KvStorage;
import io.kvasir.compression.cache.QuantScheme;
import io.kvasir.compression.file.fb.Head;
import io.kvasir.compression.file.fb.Layer;
import io.kvasir.compression.file.fb.Parameter;
import io.kvasir.compression.file.fb.Section;
import io.kvasir.compression.policy.KvLayout;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A compressed KV cache file ({@code kvasir prefill --save}, {@code kvasir generate --load}):
 * <pre>
 *   0  8 bytes  magic "KVASIRKV"
 *   8  uint32   format version ({@link #FORMAT_VERSION}), little-endian
 *  12  uint32   table length T
 *  16  T bytes  FlatBuffers table io.kvasir.compression.file.fb.CacheFile (src/main/fbs/kvc.fbs)
 *      zeros    to the next multiple of {@link #PAYLOAD_ALIGN}
 *  P   payload  every store's sections ({@link PayloadWriter}), to the end of the file
 * </pre>
 * The version sits outside the table so that a file of another version is named as such before its
 * table is parsed. On load the file is memory-mapped and every offset and length is checked before
 * use; the stores compute on heap arrays, so each section is copied out of the mapping once.
 */
public final class CacheFile {
    public static final int FORMAT_VERSION = 1;
    static final byte[] MAGIC = "KVASIRKV".getBytes(StandardCharsets.US_ASCII);
    static final int HEADER = 16;
    /** Payload start alignment: a cache line, so a mapped payload could be read in place by vector loads. */
    static final int PAYLOAD_ALIGN = 64;

    private CacheFile() {}

    /** The sizes of a written file: payload (KV arrays and positions, section padding included) and the rest. */
    public record Written(long payloadBytes, long tableBytes, long fileBytes) {
        /** Header, table and the padding before the payload. */
        public long overheadBytes() {
            return fileBytes - payloadBytes;
        }
    }

    /** Writes the file for a context's cache to {@code out}. */
    public static Written write(OutputStream out, ModelIdentity model, SavedContext context) throws IOException {
        KvCache cache = context.cache();
        KvStorage storage = cache.storage();
        if (storage.scheme() == QuantScheme.REFERENCE && storage.anyQuantized()) {
            throw new IllegalArgumentException("a --quant reference cache cannot be saved (its quantization groups span"
                    + " the heads of a layer); use --quant kivi or kvquant");
        }
        PayloadWriter payload = new PayloadWriter();
        PayloadWriter.SavedHead[][] heads = StoreImages.save(cache, payload);
        byte[] table = table(model, context, heads, payload.size());
        long start = payloadStart(table.length);
        ByteBuffer header = ByteBuffer.allocate((int) start).order(ByteOrder.LITTLE_ENDIAN);
        header.put(MAGIC).putInt(FORMAT_VERSION).putInt(table.length).put(table);
        out.write(header.array());
        MemorySegment p = payload.payload();
        byte[] chunk = new byte[1 << 20];
        for (long at = 0; at < p.byteSize(); at += chunk.length) {
            int n = (int) Math.min(chunk.length, p.byteSize() - at);
            MemorySegment.copy(p, ValueLayout.JAVA_BYTE, at, chunk, 0, n);
            out.write(chunk, 0, n);
        }
        return new Written(p.byteSize(), table.length, start + p.byteSize());
    }

    static long payloadStart(long tableLength) {
        return (HEADER + tableLength + PAYLOAD_ALIGN - 1) / PAYLOAD_ALIGN * PAYLOAD_ALIGN;
    }

    private static byte[] table(ModelIdentity model, SavedContext context, PayloadWriter.SavedHead[][] heads, long payloadBytes) {
        KvCache cache = context.cache();
        KvLayout layout = cache.layout();
        KvStorage s = cache.storage();
        FlatBufferBuilder b = new FlatBufferBuilder(1024);
        int[] layerOffsets = new int[heads.length];
        for (int l = 0; l < heads.length; l++) {
            int[] headOffsets = new int[heads[l].length];
            for (int h = 0; h < heads[l].length; h++) {
                PayloadWriter.SavedHead head = heads[l][h];
                Head.startSectionsVector(b, head.sections().size());
                for (int i = head.sections().size() - 1; i >= 0; i--) {
                    long[] sec = head.sections().get(i);
                    Section.createSection(b, sec[0], sec[1]);
                }
                int sections = b.endVector();
                headOffsets[h] = Head.createHead(b, head.length(), head.coded(), head.outliers(), sections);
            }
            layerOffsets[l] = Layer.createLayer(b, s.bitsOf(l), Layer.createHeadsVector(b, headOffsets));
        }
        int layers = io.kvasir.compression.file.fb.CacheFile.createLayerVector(b, layerOffsets);
        int[] params = context.parameters().entrySet().stream()
                .mapToInt(e -> Parameter.createParameter(b, b.createString(e.getKey()), b.createString(e.getValue())))
                .toArray();
        int parameters = io.kvasir.compression.file.fb.CacheFile.createParametersVector(b, params);
        int ids = io.kvasir.compression.file.fb.CacheFile.createContextIdsVector(b, context.contextIds());
        int modelFp = b.createString(model.modelFingerprint());
        int tokenizerFp = b.createString(model.tokenizerFingerprint());
        int gqa = b.createString(layout.gqaMode().name());
        int method = b.createString(context.method());
        int scheme = b.createString(s.scheme().cliName());
        int root = io.kvasir.compression.file.fb.CacheFile.createCacheFile(b, FORMAT_VERSION, modelFp, tokenizerFp,
                layout.layers(), layout.kvHeads(), layout.queryHeads(), layout.headDim(), gqa, ids, method, parameters,
                s.bits(), scheme, s.group(), s.residual(), s.outlierThreshold(), s.layerQuantBegin(), s.layerQuantEnd(),
                s.layerQuantBits(), s.layerQuantInverted(), layers, payloadBytes);
        b.finish(root);
        return b.sizedByteArray();
    }

    /**
     * Reads a cache file made for {@code model}: every field, offset and length checked, the payload mapped
     * and copied once into the stores.
     *
     * @throws CacheFileException naming the file and the problem, for any file that is not a whole, intact
     *                            cache of this model
     */
    public static SavedContext read(Path file, ModelIdentity model) {
        try (FileChannel ch = FileChannel.open(file); Arena arena = Arena.ofConfined()) {
            long size = ch.size();
            if (size < HEADER) {
                throw bad(file, "truncated: " + size + " bytes, a cache file starts with a " + HEADER + "-byte header");
            }
            MemorySegment m = ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            if (m.asSlice(0, MAGIC.length).mismatch(MemorySegment.ofArray(MAGIC)) != -1) {
                throw bad(file, "not a kvasir cache file (no KVASIRKV magic)");
            }
            ValueLayout.OfInt u32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
            long version = Integer.toUnsignedLong(m.get(u32, 8));
            if (version != FORMAT_VERSION) {
                throw bad(file, "format version " + version + ", this kvasir reads version " + FORMAT_VERSION);
            }
            long tableLength = Integer.toUnsignedLong(m.get(u32, 12));
            if (tableLength > size - HEADER) {
                throw bad(file, "truncated: the table of " + tableLength + " bytes ends past the file's " + size + " bytes");
            }
            ByteBuffer table = ByteBuffer.wrap(m.asSlice(HEADER, tableLength).toArray(ValueLayout.JAVA_BYTE))
                    .order(ByteOrder.LITTLE_ENDIAN);
            long start = payloadStart(tableLength);
            try {
                return TableReader.read(file, io.kvasir.compression.file.fb.CacheFile.getRootAsCacheFile(table),
                        (int) tableLength, model, m, start, size);
            } catch (CacheFileException e) {
                throw e;
            } catch (IndexOutOfBoundsException | java.nio.BufferUnderflowException e) {
                throw bad(file, "corrupt table: an offset or length in it points outside its " + tableLength + " bytes");
            } catch (IllegalArgumentException e) {
                // invalid UTF-8 in a string, or a value the stores reject
                throw bad(file, "corrupt table: " + e.getMessage());
            }
        } catch (IOException e) {
            throw new CacheFileException(file + ": cannot read (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")");
        }
    }

    static CacheFileException bad(Path file, String problem) {
        return new CacheFileException(file + ": " + problem);
    }
}
