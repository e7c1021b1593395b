package io.kvasir.compression.file;

import io.kvasir.compression.cache.StoreSink;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Collects what the stores of a cache save ({@link io.kvasir.compression.cache.HeadStore#save}) into one
 * little-endian payload, each array a section starting on an {@link #ALIGN}-byte boundary so that a reader
 * of the mapped file could view it in place.
 */
final class PayloadWriter implements StoreSink {
    /** Section alignment in the payload: the widest element (float32, int32) and then some. */
    static final int ALIGN = 8;

    /** One head's counts and its sections as {offset, length} in bytes. */
    record SavedHead(int length, int coded, int outliers, List<long[]> sections) {}

    private byte[] buf = new byte[1 << 16];
    private long size;
    private SavedHead current;

    /** Starts the next head; the store's {@link #counts} call fills in its counts. */
    SavedHead saveHead(io.kvasir.compression.cache.HeadStore store) {
        current = null;
        store.save(this);
        if (current == null) {
            throw new IllegalStateException(store.getClass().getSimpleName() + ".save wrote no counts");
        }
        return current;
    }

    @Override
    public void counts(int length, int coded, int outliers) {
        current = new SavedHead(length, coded, outliers, new ArrayList<>());
    }

    @Override
    public void ints(int[] a, int n) {
        section(MemorySegment.ofArray(a), ValueLayout.JAVA_INT, n);
    }

    @Override
    public void shorts(short[] a, int n) {
        section(MemorySegment.ofArray(a), ValueLayout.JAVA_SHORT, n);
    }

    @Override
    public void bytes(byte[] a, int n) {
        section(MemorySegment.ofArray(a), ValueLayout.JAVA_BYTE, n);
    }

    @Override
    public void floats(float[] a, int n) {
        section(MemorySegment.ofArray(a), ValueLayout.JAVA_FLOAT, n);
    }

    private void section(MemorySegment src, ValueLayout element, int n) {
        long offset = (size + ALIGN - 1) / ALIGN * ALIGN;
        long bytes = (long) n * element.byteSize();
        reserve(offset + bytes);
        MemorySegment.copy(src, element, 0, MemorySegment.ofArray(buf), littleEndian(element), offset, n);
        current.sections().add(new long[] {offset, bytes});
        size = offset + bytes;
    }

    /** The element layout as stored in the payload: little-endian, at any byte offset. */
    static ValueLayout littleEndian(ValueLayout element) {
        return element.withOrder(ByteOrder.LITTLE_ENDIAN).withByteAlignment(1);
    }

    private void reserve(long bytes) {
        if (bytes > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("a cache of " + bytes + " bytes is more than a cache file holds (2 GiB)");
        }
        if (bytes > buf.length) {
            buf = Arrays.copyOf(buf, (int) Math.min(Integer.MAX_VALUE - 8, Math.max(bytes, 2L * buf.length)));
        }
    }

    /** Bytes written, padding included. */
    long size() {
        return size;
    }

    /** The payload as one segment (a view of the buffer, no copy). */
    MemorySegment payload() {
        return MemorySegment.ofArray(buf).asSlice(0, size);
    }
}
