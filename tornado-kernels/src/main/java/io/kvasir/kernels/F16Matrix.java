package io.kvasir.kernels;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/** IEEE half-precision weights, converted exactly (subnormals included) inside the loops. */
public final class F16Matrix extends WeightMatrix {
    private static final ValueLayout.OfShort LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    F16Matrix(MemorySegment data, int rows, int cols) {
        super(data, rows, cols, WeightType.F16);
    }

    @Override
    public WeightType type() {
        return WeightType.F16;
    }

    @Override
    public float get(int row, int col) {
        return Float.float16ToFloat(data.get(LE, ((long) row * cols + col) * 2));
    }

    /**
     * Half to float without branches: place exponent and mantissa 13 bits up, read that as a float and
     * multiply by 2^112 to re-bias the exponent (15 to 127); the multiply also normalises subnormals
     * exactly. Infinities and NaNs get the all-ones float exponent instead.
     */
    private FloatVector load(long byteOffset) {
        ShortVector s = ShortVector.fromMemorySegment(HalfWidth.S, data, byteOffset, ByteOrder.LITTLE_ENDIAN);
        IntVector h = (IntVector) s.convertShape(VectorOperators.S2I, HalfWidth.I, 0);
        IntVector magnitude = h.and(0x7FFF);
        IntVector shifted = magnitude.lanewise(VectorOperators.LSHL, 13);
        IntVector finite = shifted.reinterpretAsFloats().mul(0x1p112f).reinterpretAsInts();
        VectorMask<Integer> special = magnitude.compare(VectorOperators.GE, 0x7C00);
        IntVector bits = finite.blend(shifted.or(0x7F800000), special)
                .or(h.and(0x8000).lanewise(VectorOperators.LSHL, 16));
        return bits.reinterpretAsFloats();
    }

    @Override
    public float dotRow(int row, float[] x, int xOff) {
        long base = (long) row * cols * 2;
        int step = VectorMath.F.length();
        FloatVector acc = FloatVector.zero(VectorMath.F);
        int i = 0;
        for (; i + step <= cols; i += step) {
            acc = load(base + i * 2L).fma(FloatVector.fromArray(VectorMath.F, x, xOff + i), acc);
        }
        float sum = acc.reduceLanes(VectorOperators.ADD);
        for (; i < cols; i++) {
            sum += Float.float16ToFloat(data.get(LE, base + i * 2L)) * x[xOff + i];
        }
        return sum;
    }

    @Override
    public void readRow(int row, float[] out, int outOff) {
        long base = (long) row * cols * 2;
        int step = VectorMath.F.length();
        int i = 0;
        for (; i + step <= cols; i += step) {
            load(base + i * 2L).intoArray(out, outOff + i);
        }
        for (; i < cols; i++) {
            out[outOff + i] = Float.float16ToFloat(data.get(LE, base + i * 2L));
        }
    }
}
