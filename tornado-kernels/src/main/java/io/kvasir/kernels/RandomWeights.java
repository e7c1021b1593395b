package io.kvasir.kernels;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.SplittableRandom;

/**
 * Seeded weight matrices (off-heap, in any encoding) and activations of uniform values in [-1, 1):
 * the inputs of the kernel tests and of the JMH benchmarks; nothing in the engine uses them.
 */
public final class RandomWeights {
    private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private RandomWeights() {}

    public static WeightMatrix matrix(WeightType type, int rows, int cols, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        MemorySegment seg = Arena.ofAuto().allocate((long) rows * cols * type.bytes(), 64);
        for (long i = 0; i < (long) rows * cols; i++) {
            float v = (float) (rnd.nextDouble() * 2 - 1);
            switch (type) {
                case F32 -> seg.set(FLOAT, i * 4, v);
                case F16 -> seg.set(SHORT, i * 2, Float.floatToFloat16(v));
                case BF16 -> seg.set(SHORT, i * 2, (short) (Float.floatToRawIntBits(v) >>> 16));
            }
        }
        return WeightMatrix.of(type, seg, rows, cols);
    }

    public static float[] vector(int n, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (rnd.nextDouble() * 2 - 1);
        }
        return x;
    }
}
