package io.kvasir.compression;

import io.kvasir.kernels.VectorMath;
import java.util.Arrays;

/** Keys and values kept as float32. */
final class F32HeadStore implements HeadStore {
    private final int headDim;
    private float[] keys;
    private float[] values;
    private int[] positions;
    private int length;

    F32HeadStore(int headDim, int capacity) {
        this.headDim = headDim;
        int c = Math.max(1, capacity);
        keys = new float[c * headDim];
        values = new float[c * headDim];
        positions = new int[c];
    }

    @Override
    public int length() {
        return length;
    }

    @Override
    public int position(int i) {
        return positions[i];
    }

    @Override
    public void append(int position, float[] k, int kOff, float[] v, int vOff) {
        if (length == positions.length) {
            int c = positions.length * 2;
            keys = Arrays.copyOf(keys, c * headDim);
            values = Arrays.copyOf(values, c * headDim);
            positions = Arrays.copyOf(positions, c);
        }
        System.arraycopy(k, kOff, keys, length * headDim, headDim);
        System.arraycopy(v, vOff, values, length * headDim, headDim);
        positions[length++] = position;
    }

    @Override
    public void scores(float[] q, int qOff, float scale, float[] out) {
        for (int i = 0; i < length; i++) {
            out[i] = scale * VectorMath.dot(q, qOff, keys, i * headDim, headDim);
        }
    }

    @Override
    public void accumulateValues(float[] p, float[] out, int outOff) {
        for (int i = 0; i < length; i++) {
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

    @Override
    public long bytes() {
        return 2L * length * headDim * Float.BYTES;
    }
}
