package io.kvasir.compression.cache;

import io.kvasir.kernels.HalfWidth;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Keys and values rounded to IEEE half precision (round to nearest even), widened back to float32
 * inside the attention loops. Halves the cache against float32.
 */
final class F16HeadStore extends DenseHeadStore {
    private short[] keys;
    private short[] values;

    F16HeadStore(int headDim, int capacity) {
        super(headDim, capacity);
        keys = new short[initialCapacity() * headDim];
        values = new short[initialCapacity() * headDim];
    }

    /** The store {@link #save} wrote. */
    F16HeadStore(int headDim, StoreSource in) {
        super(headDim, in);
        keys = grown(in.shorts((long) length() * headDim));
        values = grown(in.shorts((long) length() * headDim));
    }

    private short[] grown(short[] a) {
        return Arrays.copyOf(a, initialCapacity() * headDim);
    }

    @Override
    protected void saveEntries(StoreSink out, int elements) {
        out.shorts(keys, elements);
        out.shorts(values, elements);
    }

    @Override
    protected void grow(int entries) {
        keys = Arrays.copyOf(keys, entries * headDim);
        values = Arrays.copyOf(values, entries * headDim);
    }

    @Override
    protected void write(int i, float[] k, int kOff, float[] v, int vOff) {
        int base = i * headDim;
        for (int d = 0; d < headDim; d++) {
            keys[base + d] = Float.floatToFloat16(k[kOff + d]);
            values[base + d] = Float.floatToFloat16(v[vOff + d]);
        }
    }

    @Override
    protected int elementBytes() {
        return Short.BYTES;
    }

    @Override
    public void scores(float[] q, int qOff, float scale, float[] out) {
        MemorySegment k = MemorySegment.ofArray(keys);
        for (int i = 0; i < length(); i++) {
            out[i] = scale * HalfWidth.F16.dot(k, (long) i * headDim * Short.BYTES, ByteOrder.nativeOrder(), q, qOff, headDim);
        }
    }

    @Override
    public void accumulateValues(float[] p, float[] out, int outOff) {
        MemorySegment v = MemorySegment.ofArray(values);
        for (int i = 0; i < length(); i++) {
            HalfWidth.F16.axpy(p[i], v, (long) i * headDim * Short.BYTES, ByteOrder.nativeOrder(), out, outOff, headDim);
        }
    }

    @Override
    public void readKey(int i, float[] out, int outOff) {
        HalfWidth.F16.read(MemorySegment.ofArray(keys), (long) i * headDim * Short.BYTES, ByteOrder.nativeOrder(), out, outOff, headDim);
    }

    @Override
    public void readValue(int i, float[] out, int outOff) {
        HalfWidth.F16.read(MemorySegment.ofArray(values), (long) i * headDim * Short.BYTES, ByteOrder.nativeOrder(), out, outOff, headDim);
    }
}
