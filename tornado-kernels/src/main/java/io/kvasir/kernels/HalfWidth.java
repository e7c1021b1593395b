package io.kvasir.kernels;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The two 16-bit float formats, widened exactly to float32 inside vector loops. The loops (dot
 * product, row read, axpy) are written once and parameterised by the widening; they read a
 * memory segment: a mapped weight file (little-endian) or a heap {@code short[]} of a cache store
 * (native order, {@code MemorySegment.ofArray}).
 */
public enum HalfWidth {
    /** IEEE half precision. */
    F16 {
        /**
         * Half to float without branches: place exponent and mantissa 13 bits up, read that as a
         * float and multiply by 2^112 to re-bias the exponent (15 to 127); the multiply also
         * normalises subnormals exactly. Infinities and NaNs get the all-ones float exponent instead.
         */
        @Override
        FloatVector widen(ShortVector s) {
            IntVector h = (IntVector) s.convertShape(VectorOperators.S2I, I, 0);
            IntVector magnitude = h.and(0x7FFF);
            IntVector shifted = magnitude.lanewise(VectorOperators.LSHL, 13);
            IntVector finite = shifted.reinterpretAsFloats().mul(0x1p112f).reinterpretAsInts();
            VectorMask<Integer> special = magnitude.compare(VectorOperators.GE, 0x7C00);
            IntVector bits = finite.blend(shifted.or(0x7F800000), special)
                    .or(h.and(0x8000).lanewise(VectorOperators.LSHL, 16));
            return bits.reinterpretAsFloats();
        }

        @Override
        public float toFloat(short bits) {
            return Float.float16ToFloat(bits);
        }
    },
    /** bfloat16: the upper 16 bits of a float32, widened by a 16-bit left shift. */
    BF16 {
        @Override
        FloatVector widen(ShortVector s) {
            // S2I sign-extends; the shift discards those upper bits, leaving exactly bits << 16.
            return s.convertShape(VectorOperators.S2I, I, 0)
                    .reinterpretAsInts()
                    .lanewise(VectorOperators.LSHL, 16)
                    .reinterpretAsFloats();
        }

        @Override
        public float toFloat(short bits) {
            return Float.intBitsToFloat(bits << 16);
        }

        /**
         * Each x vector feeds four rows, whose accumulators are four independent multiply-add
         * chains (decode matvec: the weights are read once, at memory speed). Written here, in
         * BF16's own body, so that the widening is bound statically: an inherited loop would see
         * F16 too in a process that runs both, inline both widenings and box again (see below).
         */
        @Override
        public void dot4(MemorySegment halves, long o0, long rowBytes, ByteOrder order, float[] x, int n, float[] out, int outOff) {
            int step = VectorMath.F.length();
            long o1 = o0 + rowBytes;
            long o2 = o1 + rowBytes;
            long o3 = o2 + rowBytes;
            FloatVector a0 = FloatVector.zero(VectorMath.F);
            FloatVector a1 = FloatVector.zero(VectorMath.F);
            FloatVector a2 = FloatVector.zero(VectorMath.F);
            FloatVector a3 = FloatVector.zero(VectorMath.F);
            int i = 0;
            for (; i + step <= n; i += step) {
                FloatVector xv = FloatVector.fromArray(VectorMath.F, x, i);
                a0 = load(halves, o0 + i * 2L, order).fma(xv, a0);
                a1 = load(halves, o1 + i * 2L, order).fma(xv, a1);
                a2 = load(halves, o2 + i * 2L, order).fma(xv, a2);
                a3 = load(halves, o3 + i * 2L, order).fma(xv, a3);
            }
            float s0 = a0.reduceLanes(VectorOperators.ADD);
            float s1 = a1.reduceLanes(VectorOperators.ADD);
            float s2 = a2.reduceLanes(VectorOperators.ADD);
            float s3 = a3.reduceLanes(VectorOperators.ADD);
            ValueLayout.OfShort scalar = layout(order);
            for (; i < n; i++) {
                float xi = x[i];
                s0 += toFloat(halves.get(scalar, o0 + i * 2L)) * xi;
                s1 += toFloat(halves.get(scalar, o1 + i * 2L)) * xi;
                s2 += toFloat(halves.get(scalar, o2 + i * 2L)) * xi;
                s3 += toFloat(halves.get(scalar, o3 + i * 2L)) * xi;
            }
            out[outOff] = s0;
            out[outOff + 1] = s1;
            out[outOff + 2] = s2;
            out[outOff + 3] = s3;
        }
    };

    /** As many shorts as the float species has lanes. */
    static final VectorSpecies<Short> S =
            ShortVector.SPECIES_PREFERRED.withShape(VectorShape.forBitSize(VectorMath.F.vectorBitSize() / 2));
    static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED.withShape(VectorMath.F.vectorShape());
    private static final ValueLayout.OfShort LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort BE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    /** S.length() values widened to float32. */
    abstract FloatVector widen(ShortVector s);

    /** One value widened to float32. */
    public abstract float toFloat(short bits);

    /** Element i of halves (i-th short from byteOffset) widened. */
    public float get(MemorySegment halves, long byteOffset, ByteOrder order) {
        return toFloat(halves.get(layout(order), byteOffset));
    }

    /** Sum over i in [0, n) of halves[i] * x[xOff + i], halves starting at byteOffset. */
    public float dot(MemorySegment halves, long byteOffset, ByteOrder order, float[] x, int xOff, int n) {
        int step = VectorMath.F.length();
        FloatVector acc = FloatVector.zero(VectorMath.F);
        int i = 0;
        for (; i + step <= n; i += step) {
            acc = load(halves, byteOffset + i * 2L, order).fma(FloatVector.fromArray(VectorMath.F, x, xOff + i), acc);
        }
        float sum = acc.reduceLanes(VectorOperators.ADD);
        ValueLayout.OfShort scalar = layout(order);
        for (; i < n; i++) {
            sum += toFloat(halves.get(scalar, byteOffset + i * 2L)) * x[xOff + i];
        }
        return sum;
    }

    /**
     * Four dot products with x[0, n): rows of n halves at byte offsets o0 + r * rowBytes, r in 0..3,
     * into out[outOff + r]; here one row at a time. With several half-precision widenings in one
     * loop body, C2 (JDK 25) stops eliminating the vector boxes and allocates in every iteration
     * (5-10x slower); the single-row loop stays in registers. BF16, whose widening is two
     * instructions, overrides this with a four-row loop.
     */
    public void dot4(MemorySegment halves, long o0, long rowBytes, ByteOrder order, float[] x, int n, float[] out, int outOff) {
        for (int r = 0; r < 4; r++) {
            out[outOff + r] = dot(halves, o0 + r * rowBytes, order, x, 0, n);
        }
    }

    /** out[outOff + i] = halves[i] widened, i in [0, n). */
    public void read(MemorySegment halves, long byteOffset, ByteOrder order, float[] out, int outOff, int n) {
        int step = VectorMath.F.length();
        int i = 0;
        for (; i + step <= n; i += step) {
            load(halves, byteOffset + i * 2L, order).intoArray(out, outOff + i);
        }
        ValueLayout.OfShort scalar = layout(order);
        for (; i < n; i++) {
            out[outOff + i] = toFloat(halves.get(scalar, byteOffset + i * 2L));
        }
    }

    /** out[outOff + i] += w * halves[i], i in [0, n) (as VectorMath.axpy on widened values). */
    public void axpy(float w, MemorySegment halves, long byteOffset, ByteOrder order, float[] out, int outOff, int n) {
        int step = VectorMath.F.length();
        FloatVector wv = FloatVector.broadcast(VectorMath.F, w);
        int i = 0;
        for (; i + step <= n; i += step) {
            load(halves, byteOffset + i * 2L, order).fma(wv, FloatVector.fromArray(VectorMath.F, out, outOff + i))
                    .intoArray(out, outOff + i);
        }
        ValueLayout.OfShort scalar = layout(order);
        for (; i < n; i++) {
            out[outOff + i] += w * toFloat(halves.get(scalar, byteOffset + i * 2L));
        }
    }

    FloatVector load(MemorySegment halves, long byteOffset, ByteOrder order) {
        return widen(ShortVector.fromMemorySegment(S, halves, byteOffset, order));
    }

    private static ValueLayout.OfShort layout(ByteOrder order) {
        return order == ByteOrder.LITTLE_ENDIAN ? LE : BE;
    }
}
