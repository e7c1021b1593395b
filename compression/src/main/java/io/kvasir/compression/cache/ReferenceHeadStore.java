package io.kvasir.compression.cache;

import io.kvasir.kernels.MinMaxQuantizer;
import java.util.Arrays;

/**
 * One head's slice of a {@link ReferenceLayerQuantizer} layer: packed codes of the prompt entries,
 * whose group is found from the flat index {@code f = base + t * D + d} (keys: {@code f / G};
 * values: {@code f mod (N / G)}), then half-precision entries for generated tokens. Entries are
 * dequantized as hqq does in its fp16 compute dtype, {@code (code - zero) * scale} with each step
 * rounded to half precision. Scalar loops: this layout exists for parity, not speed.
 */
final class ReferenceHeadStore implements QuantizedHeadStore {
    private final ReferenceLayerQuantizer.Shared shared;
    private final int base;
    private final int coded;
    private final int rowBytes;
    private final byte[] keyCodes;
    private final byte[] valueCodes;
    private short[] tailKeys;
    private short[] tailValues;
    private int[] positions;
    private int length;

    ReferenceHeadStore(ReferenceLayerQuantizer.Shared shared, int base, int[] keyCodes, int[] valueCodes,
                       int[] kept, int capacity) {
        this.shared = shared;
        this.base = base;
        this.coded = kept.length;
        int dim = shared.dim();
        this.rowBytes = PackedCodes.rowBytes(dim, shared.bits());
        this.keyCodes = new byte[coded * rowBytes];
        this.valueCodes = new byte[coded * rowBytes];
        int[] row = new int[dim];
        for (int t = 0; t < coded; t++) {
            System.arraycopy(keyCodes, base + t * dim, row, 0, dim);
            PackedCodes.pack(row, dim, shared.bits(), this.keyCodes, t * rowBytes);
            System.arraycopy(valueCodes, base + t * dim, row, 0, dim);
            PackedCodes.pack(row, dim, shared.bits(), this.valueCodes, t * rowBytes);
        }
        int c = Math.max(1, capacity - coded);
        tailKeys = new short[c * dim];
        tailValues = new short[c * dim];
        positions = Arrays.copyOf(kept, Math.max(capacity, coded + 1));
        length = coded;
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
        int dim = shared.dim();
        int tail = length - coded;
        if ((tail + 1) * dim > tailKeys.length) {
            tailKeys = Arrays.copyOf(tailKeys, tailKeys.length * 2);
            tailValues = Arrays.copyOf(tailValues, tailValues.length * 2);
        }
        if (length == positions.length) {
            positions = Arrays.copyOf(positions, positions.length * 2);
        }
        for (int d = 0; d < dim; d++) {
            tailKeys[tail * dim + d] = Float.floatToFloat16(k[kOff + d]);
            tailValues[tail * dim + d] = Float.floatToFloat16(v[vOff + d]);
        }
        positions[length++] = position;
    }

    private float key(int i, int d) {
        int dim = shared.dim();
        if (i >= coded) {
            return Float.float16ToFloat(tailKeys[(i - coded) * dim + d]);
        }
        int g = (base + i * dim + d) / shared.group();
        int c = PackedCodes.code(keyCodes, i * rowBytes, dim, shared.bits(), d);
        return MinMaxQuantizer.dequantizeHalf(c, shared.keyGroups()[g]);
    }

    private float value(int i, int d) {
        int dim = shared.dim();
        if (i >= coded) {
            return Float.float16ToFloat(tailValues[(i - coded) * dim + d]);
        }
        int g = (base + i * dim + d) % shared.groups();
        int c = PackedCodes.code(valueCodes, i * rowBytes, dim, shared.bits(), d);
        return MinMaxQuantizer.dequantizeHalf(c, shared.valueGroups()[g]);
    }

    @Override
    public void scores(float[] q, int qOff, float scale, float[] out) {
        for (int i = 0; i < length; i++) {
            float s = 0f;
            for (int d = 0; d < shared.dim(); d++) {
                s += q[qOff + d] * key(i, d);
            }
            out[i] = scale * s;
        }
    }

    @Override
    public void accumulateValues(float[] p, float[] out, int outOff) {
        for (int i = 0; i < length; i++) {
            for (int d = 0; d < shared.dim(); d++) {
                out[outOff + d] += p[i] * value(i, d);
            }
        }
    }

    @Override
    public void readKey(int i, float[] out, int outOff) {
        for (int d = 0; d < shared.dim(); d++) {
            out[outOff + d] = key(i, d);
        }
    }

    @Override
    public void readValue(int i, float[] out, int outOff) {
        for (int d = 0; d < shared.dim(); d++) {
            out[outOff + d] = value(i, d);
        }
    }

    /** Its codes' groups are shared by the layer's heads ({@link ReferenceLayerQuantizer}): not saved yet. */
    @Override
    public void save(StoreSink out) {
        throw new IllegalArgumentException("a --quant reference cache cannot be saved (its quantization groups span"
                + " the heads of a layer); use --quant kivi or kvquant");
    }

    @Override
    public long codeBytes() {
        return 2L * coded * rowBytes;
    }

    @Override
    public long metadataBytes() {
        return shared.metadataBytesPerHead();
    }

    /** The generated tokens, half precision (the reference's residual, never flushed). */
    @Override
    public long residualBytes() {
        return 2L * Short.BYTES * (length - coded) * shared.dim();
    }

    @Override
    public long outlierBytes() {
        return 0;
    }
}
