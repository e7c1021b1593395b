package io.kvasir.compression.cache;

import io.kvasir.kernels.VectorMath;
import java.util.Arrays;

/** Keys and values kept as float32. */
final class F32HeadStore extends DenseHeadStore {
    private float[] keys;
    private float[] values;

    F32HeadStore(int headDim, int capacity) {
        super(headDim, capacity);
        keys = new float[initialCapacity() * headDim];
        values = new float[initialCapacity() * headDim];
    }

    /** The store {@link #save} wrote. */
    F32HeadStore(int headDim, StoreSource in) {
        super(headDim, in);
        keys = grown(in.floats((long) length() * headDim));
        values = grown(in.floats((long) length() * headDim));
    }

    private float[] grown(float[] a) {
        return Arrays.copyOf(a, initialCapacity() * headDim);
    }

    @Override
    protected void saveEntries(StoreSink out, int elements) {
        out.floats(keys, elements);
        out.floats(values, elements);
    }

    @Override
    protected void grow(int entries) {
        keys = Arrays.copyOf(keys, entries * headDim);
        values = Arrays.copyOf(values, entries * headDim);
    }

    @Override
    protected void write(int i, float[] k, int kOff, float[] v, int vOff) {
        System.arraycopy(k, kOff, keys, i * headDim, headDim);
        System.arraycopy(v, vOff, values, i * headDim, headDim);
    }

    @Override
    protected int elementBytes() {
        return Float.BYTES;
    }

    @Override
    public void scores(float[] q, int qOff, float scale, float[] out) {
        for (int i = 0; i < length(); i++) {
            out[i] = scale * VectorMath.dot(q, qOff, keys, i * headDim, headDim);
        }
    }

    @Override
    public void accumulateValues(float[] p, float[] out, int outOff) {
        for (int i = 0; i < length(); i++) {
            VectorMath.axpy(p[i], values, i * headDim, out, outOff, headDim);
        }
    }

    @Override
    public void readKey(int i, float[] out, int outOff) {
        System.arraycopy(keys, i * headDim, out, outOff, headDim);
    }

    @Override
    public void readValue(int i, float[] out, int outOff) {
        System.arraycopy(values, i * headDim, out, outOff, headDim);
    }
}
