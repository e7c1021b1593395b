package io.kvasir.kernels;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;

/** bfloat16 weights: the upper 16 bits of a float32, widened by a 16-bit left shift. */
public final class BF16Matrix extends WeightMatrix {
    private static final ValueLayout.OfShort LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    BF16Matrix(MemorySegment data, int rows, int cols) {
        super(data, rows, cols, WeightType.BF16);
    }

    /** bf16 bits to float32. */
    public static float toFloat(short bits) {
        return Float.intBitsToFloat(bits << 16);
    }

    @Override
    public WeightType type() {
        return WeightType.BF16;
    }

    @Override
    public float get(int row, int col) {
        return toFloat(data.get(LE, ((long) row * cols + col) * 2));
    }

    private FloatVector load(long byteOffset) {
        ShortVector s = ShortVector.fromMemorySegment(HalfWidth.S, data, byteOffset, ByteOrder.LITTLE_ENDIAN);
        // S2I sign-extends; the shift discards those upper bits, leaving exactly bits << 16.
        return s.convertShape(VectorOperators.S2I, HalfWidth.I, 0)
                .reinterpretAsInts()
                .lanewise(VectorOperators.LSHL, 16)
                .reinterpretAsFloats();
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
            sum += toFloat(data.get(LE, base + i * 2L)) * x[xOff + i];
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
            out[outOff + i] = toFloat(data.get(LE, base + i * 2L));
        }
    }
}
