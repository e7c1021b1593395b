package io.kvasir.compression.cache;

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
        for (int i = 0; i < length(); i++) {
            int base = i * headDim;
            float s = 0f;
            for (int d = 0; d < headDim; d++) {
                s += q[qOff + d] * Float.float16ToFloat(keys[base + d]);
            }
            out[i] = scale * s;
        }
    }

    @Override
    public void accumulateValues(float[] p, float[] out, int outOff) {
        for (int i = 0; i < length(); i++) {
            int base = i * headDim;
            float w = p[i];
            for (int d = 0; d < headDim; d++) {
                out[outOff + d] += w * Float.float16ToFloat(values[base + d]);
            }
        }
    }

    @Override
    public void readKey(int i, float[] out, int outOff) {
        for (int d = 0; d < headDim; d++) {
            out[outOff + d] = Float.float16ToFloat(keys[i * headDim + d]);
        }
    }

    @Override
    public void readValue(int i, float[] out, int outOff) {
        for (int d = 0; d < headDim; d++) {
            out[outOff + d] = Float.float16ToFloat(values[i * headDim + d]);
        }
    }
}
