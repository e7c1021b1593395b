package io.kvasir.compression;

import java.util.Arrays;

/**
 * Keys and values rounded to IEEE half precision (round to nearest even), widened back to float32
 * inside the attention loops. Halves the cache against float32.
 */
final class F16HeadStore implements HeadStore {
    private final int headDim;
    private short[] keys;
    private short[] values;
    private int[] positions;
    private int length;

    F16HeadStore(int headDim, int capacity) {
        this.headDim = headDim;
        int c = Math.max(1, capacity);
        keys = new short[c * headDim];
        values = new short[c * headDim];
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
        int base = length * headDim;
        for (int d = 0; d < headDim; d++) {
            keys[base + d] = Float.floatToFloat16(k[kOff + d]);
            values[base + d] = Float.floatToFloat16(v[vOff + d]);
        }
        positions[length++] = position;
    }

    @Override
    public void scores(float[] q, int qOff, float scale, float[] out) {
        for (int i = 0; i < length; i++) {
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
        for (int i = 0; i < length; i++) {
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

    @Override
    public long bytes() {
        return 2L * length * headDim * Short.BYTES;
    }
}
