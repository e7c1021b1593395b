package io.kvasir.safetensors;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Finds the first NaN or infinity in a tensor's raw bytes, reading them as little-endian 16-bit words.
 * A float is non-finite exactly when all its exponent bits are set. F16 and BF16 elements are one word
 * each; an F32 element is two, and its high word is laid out like a BF16 (sign, 8 exponent bits), so
 * one loop serves all three with a per-lane mask that is zero on F32's low words. The masked exponent
 * is then the largest value the mask can produce, so a lane-wise max of {@code word & mask} over a
 * block equals the exponent mask if and only if the block holds a non-finite element: the hot loop is
 * a load, an and and a max per vector, with one comparison per block. Only a block that fails is walked
 * element by element to find the index.
 */
final class NonFiniteScan {
    private static final VectorSpecies<Short> SHORTS = ShortVector.SPECIES_PREFERRED;
    /** Words per block: large enough that the per-block reduction is noise, small enough to stay in cache. */
    private static final long BLOCK = 1 << 16;

    private static final short F16_EXPONENT = 0x7C00;
    private static final short BF16_EXPONENT = 0x7F80;

    private NonFiniteScan() {}

    /** @return the flat index of the first non-finite element, or -1 if every element is finite */
    static long firstNonFinite(DType dtype, MemorySegment data, long elements) {
        int wordsPerElement = dtype.byteSize() / 2;
        short exponent = dtype == DType.F16 ? F16_EXPONENT : BF16_EXPONENT;
        // Lane i masks word i of the vector; vectors start at even word indices, so lane parity is word parity.
        short[] lanes = new short[SHORTS.length()];
        for (int i = 0; i < lanes.length; i++) {
            lanes[i] = wordMask(i, wordsPerElement, exponent);
        }
        ShortVector mask = ShortVector.fromArray(SHORTS, lanes, 0);
        long words = elements * wordsPerElement;
        for (long from = 0; from < words; from += BLOCK) {
            long to = Math.min(words, from + BLOCK);
            if (!blockIsFinite(data, from, to, mask, wordsPerElement, exponent)) {
                for (long e = from / wordsPerElement; e < to / wordsPerElement; e++) {
                    long high = e * wordsPerElement + wordsPerElement - 1;
                    if ((data.get(Tensor.U16_LE, high * 2) & exponent) == exponent) {
                        return e;
                    }
                }
            }
        }
        return -1;
    }

    /** Only an element's highest word holds its exponent. */
    private static short wordMask(long word, int wordsPerElement, short exponent) {
        return word % wordsPerElement == wordsPerElement - 1 ? exponent : 0;
    }

    private static boolean blockIsFinite(MemorySegment data, long from, long to, ShortVector mask, int wordsPerElement,
                                         short exponent) {
        ShortVector max = ShortVector.zero(SHORTS);
        long i = from;
        for (long bound = from + SHORTS.loopBound(to - from); i < bound; i += SHORTS.length()) {
            ShortVector words = ShortVector.fromMemorySegment(SHORTS, data, i * 2, ByteOrder.LITTLE_ENDIAN);
            max = max.max(words.and(mask));
        }
        int worst = max.reduceLanes(VectorOperators.MAX);
        for (; i < to; i++) {
            worst = Math.max(worst, data.get(Tensor.U16_LE, i * 2) & wordMask(i, wordsPerElement, exponent));
        }
        return worst != exponent;
    }
}
