package io.kvasir.compression.file;

import io.kvasir.compression.cache.StoreSource;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * One head's arrays read back from a payload ({@link PayloadWriter}'s layout), in the order the store
 * wrote them. Every section is bounds-checked against the payload and its length against what the
 * store asks for before a byte is read; arrays are copied once out of the (mapped) payload into the
 * heap arrays the stores compute on.
 */
final class PayloadReader implements StoreSource {
    private final MemorySegment payload;
    private final PayloadWriter.SavedHead head;
    private final String where;
    private int next;

    /**
     * @param where names the file and head in errors, e.g. "doc.kvc: layer 3 head 1"
     */
    PayloadReader(MemorySegment payload, PayloadWriter.SavedHead head, String where) {
        this.payload = payload;
        this.head = head;
        this.where = where;
    }

    @Override
    public int length() {
        return head.length();
    }

    @Override
    public int coded() {
        return head.coded();
    }

    @Override
    public int outliers() {
        return head.outliers();
    }

    @Override
    public int[] ints(long n) {
        long at = next(n, Integer.BYTES); // checked before n sizes anything
        int[] a = new int[(int) n];
        MemorySegment.copy(payload, PayloadWriter.littleEndian(ValueLayout.JAVA_INT), at, a, 0, a.length);
        return a;
    }

    @Override
    public short[] shorts(long n) {
        long at = next(n, Short.BYTES); // checked before n sizes anything
        short[] a = new short[(int) n];
        MemorySegment.copy(payload, PayloadWriter.littleEndian(ValueLayout.JAVA_SHORT), at, a, 0, a.length);
        // Every 16-bit array a store saves holds halves (K, V, scales, zeros, residual, outliers).
        for (int i = 0; i < a.length; i++) {
            if ((a[i] & 0x7C00) == 0x7C00) {
                throw nonFinite(i);
            }
        }
        return a;
    }

    @Override
    public byte[] bytes(long n) {
        long at = next(n, 1); // checked before n sizes anything
        byte[] a = new byte[(int) n];
        MemorySegment.copy(payload, ValueLayout.JAVA_BYTE, at, a, 0, a.length);
        return a;
    }

    @Override
    public float[] floats(long n) {
        long at = next(n, Float.BYTES); // checked before n sizes anything
        float[] a = new float[(int) n];
        MemorySegment.copy(payload, PayloadWriter.littleEndian(ValueLayout.JAVA_FLOAT), at, a, 0, a.length);
        for (int i = 0; i < a.length; i++) {
            if (!Float.isFinite(a[i])) {
                throw nonFinite(i);
            }
        }
        return a;
    }

    /**
     * Offset of the next section, checked to hold exactly n elements of the given size inside the payload, so
     * that n (from the file's counts) is at most the payload's size.
     */
    private long next(long n, int elementBytes) {
        if (n < 0 || n > Integer.MAX_VALUE - 8) {
            throw invalid("section " + next + " would hold " + n + " elements");
        }
        if (next >= head.sections().size()) {
            throw invalid("has " + head.sections().size() + " sections, its store needs more");
        }
        long[] s = head.sections().get(next);
        long offset = s[0];
        long length = s[1];
        if (offset < 0 || length < 0 || offset > payload.byteSize() || length > payload.byteSize() - offset) {
            throw invalid("section " + next + " (offset " + Long.toUnsignedString(offset) + ", "
                    + Long.toUnsignedString(length) + " bytes) lies past the end of the " + payload.byteSize() + "-byte payload");
        }
        if (length != n * elementBytes) {
            throw invalid("section " + next + " holds " + length + " bytes, its counts need " + n * elementBytes);
        }
        next++;
        return offset;
    }

    /**
     * A NaN or infinity in the cache would make every later logit NaN, far from its cause: refused here,
     * naming the section (the one just read).
     */
    private CacheFileException nonFinite(int element) {
        return invalid("section " + (next - 1) + " element " + element + " is not a finite number");
    }

    /** Checks that the store read every section the file lists. */
    void checkAllRead() {
        if (next != head.sections().size()) {
            throw invalid("has " + head.sections().size() + " sections, its store uses " + next);
        }
    }

    @Override
    public CacheFileException invalid(String problem) {
        return new CacheFileException(where + ": " + problem);
    }
}
