package io.kvasir.safetensors;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Finds the first NaN or infinity in a tensor's raw bytes. A float is non-finite exactly when all its
 * exponent bits are set, and the masked exponent is then the largest value the mask can produce, so
 * a lane-wise max of {@code bits & mask} over a block equals the mask if and only if the block holds
 * a non-finite element. That keeps the hot loop to a load, an and and a max per vector, with one
 * comparison per block; only a block that fails is walked element by element to name the index.
 */
final class NonFiniteScan {
    private static final VectorSpecies<Integer> INTS = IntVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Short> SHORTS = ShortVector.SPECIES_PREFERRED;
    /** Elements per block: large enough that the per-block reduction is noise, small enough to stay in cache. */
    private static final long BLOCK = 1 << 16;

    private static final int F32_EXPONENT = 0x7F80_0000;
    private static final short F16_EXPONENT = 0x7C00;
    private static final short BF16_EXPONENT = 0x7F80;

    private NonFiniteScan() {}

    /** @return the flat index of the first non-finite element, or -1 if every element is finite */
    static long firstNonFinite(DType dtype, MemorySegment data, long elements) {
        for (long from = 0; from < elements; from += BLOCK) {
            long to = Math.min(elements, from + BLOCK);
            boolean clean = switch (dtype) {
                case F32 -> blockIsFinite32(data, from, to);
                case F16 -> blockIsFinite16(data, from, to, F16_EXPONENT);
                case BF16 -> blockIsFinite16(data, from, to, BF16_EXPONENT);
            };
            if (!clean) {
                for (long i = from; i < to; i++) {
                    if (!isFinite(dtype, data, i)) {
                        return i;
                    }
                }
            }
        }
        return -1;
    }

    private static boolean blockIsFinite32(MemorySegment data, long from, long to) {
        IntVector max = IntVector.zero(INTS);
        long i = from;
        for (long bound = from + INTS.loopBound(to - from); i < bound; i += INTS.length()) {
            IntVector bits = IntVector.fromMemorySegment(INTS, data, i * 4, ByteOrder.LITTLE_ENDIAN);
            max = max.max(bits.and(F32_EXPONENT));
        }
        int worst = max.reduceLanes(VectorOperators.MAX);
        for (; i < to; i++) {
            worst = Math.max(worst, data.get(Tensor.F32_BITS_LE, i * 4) & F32_EXPONENT);
        }
        return worst != F32_EXPONENT;
    }

    private static boolean blockIsFinite16(MemorySegment data, long from, long to, short exponent) {
        ShortVector max = ShortVector.zero(SHORTS);
        long i = from;
        for (long bound = from + SHORTS.loopBound(to - from); i < bound; i += SHORTS.length()) {
            ShortVector bits = ShortVector.fromMemorySegment(SHORTS, data, i * 2, ByteOrder.LITTLE_ENDIAN);
            max = max.max(bits.and(exponent));
        }
        short worst = max.reduceLanes(VectorOperators.MAX);
        for (; i < to; i++) {
            worst = (short) Math.max(worst, data.get(Tensor.U16_LE, i * 2) & exponent);
        }
        return worst != exponent;
    }

    private static boolean isFinite(DType dtype, MemorySegment data, long i) {
        return switch (dtype) {
            case F32 -> (data.get(Tensor.F32_BITS_LE, i * 4) & F32_EXPONENT) != F32_EXPONENT;
            case F16 -> (data.get(Tensor.U16_LE, i * 2) & F16_EXPONENT) != F16_EXPONENT;
            case BF16 -> (data.get(Tensor.U16_LE, i * 2) & BF16_EXPONENT) != BF16_EXPONENT;
        };
    }
}
