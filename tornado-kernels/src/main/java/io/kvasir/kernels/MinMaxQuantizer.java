package io.kvasir.kernels;

/**
 * Scalar reference of the KV quantizer (docs/methods/kivi.md#the-quantizer, HQQ min/max with optimize=False):
 * asymmetric, inverse scale {@code s = min(qmax / (hi - lo), 20000)}, zero {@code z = -lo * s} (not
 * rounded), codes {@code clamp(rint(x * s + z), 0, qmax)}, and scale {@code 1/s} and zero stored as
 * IEEE half. Dequantization is {@code (code - zero) * scale} with the half-precision metadata widened
 * to float32 (the engine's attention arithmetic); {@link #dequantizeHalf} repeats the reference's
 * all-fp16 arithmetic for the test vectors.
 *
 * <p>Two guards against the reference's fp16 hazards (docs/methods/kivi.md#the-quantizer): a group whose range is below 1e-4
 * uses inverse scale 1 (what newer hqq does), and the inverse scale is lowered so that the zero
 * stays finite in half precision. Neither changes a group the reference handles without overflow
 * and with a range of 1e-4 or more.
 */
public final class MinMaxQuantizer {
    /** The reference's clamp on the inverse scale. */
    public static final float MAX_INVERSE_SCALE = 20000f;
    private static final float HALF_MAX = 65504f;

    private MinMaxQuantizer() {}

    /** Scale and zero of one group, as the half-precision bits that are stored. */
    public record Group(short scaleHalf, short zeroHalf) {
        public float scale() {
            return Float.float16ToFloat(scaleHalf);
        }

        public float zero() {
            return Float.float16ToFloat(zeroHalf);
        }
    }

    /** Checks a bit width the engine quantizes to. */
    public static int checkBits(int bits) {
        if (bits != 8 && bits != 4 && bits != 2) {
            throw new IllegalArgumentException("quantized KV bits must be 8, 4 or 2, got " + bits);
        }
        return bits;
    }

    /**
     * Quantizes the group {@code x[off + i * stride]}, {@code i < n}, writing its codes to
     * {@code codes[codesOff + i * codesStride]}.
     */
    public static Group quantize(float[] x, int off, int stride, int n, int bits,
                                 int[] codes, int codesOff, int codesStride) {
        return quantize(x, off, stride, n, bits, codes, codesOff, codesStride, false);
    }

    /**
     * {@link #quantize} with the inverse scale rounded as torch computes hqq's {@code max_v / (hi - lo)}:
     * a number divided by a tensor is {@code reciprocal(tensor) * number}, two float32 roundings, which
     * differs from one division in the last bit for some ranges and then moves codes that sit on a
     * rounding boundary (QPruningKV parity, {@code --quant reference}).
     */
    public static Group quantizeAsTorch(float[] x, int off, int stride, int n, int bits,
                                        int[] codes, int codesOff, int codesStride) {
        return quantize(x, off, stride, n, bits, codes, codesOff, codesStride, true);
    }

    private static Group quantize(float[] x, int off, int stride, int n, int bits,
                                  int[] codes, int codesOff, int codesStride, boolean torchDivision) {
        int qmax = (1 << checkBits(bits)) - 1;
        float lo = Float.POSITIVE_INFINITY;
        float hi = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            float v = x[off + i * stride];
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
        }
        // torch evaluates hqq's max_v / (max - min) as reciprocal(max - min) * max_v: two roundings.
        float s = torchDivision ? limitInverseScale(1f / (hi - lo) * qmax, lo, hi) : inverseScale(lo, hi, qmax);
        float z = -lo * s;
        for (int i = 0; i < n; i++) {
            float c = (float) Math.rint(x[off + i * stride] * s + z);
            codes[codesOff + i * codesStride] = (int) Math.max(0f, Math.min(qmax, c));
        }
        return new Group(Float.floatToFloat16(1f / s), Float.floatToFloat16(z));
    }

    /**
     * The inverse scale of a group with range [lo, hi], both guards included. The TornadoVM KIVI
     * kernels call this same body, so it is written in what they compile: no {@link Math#abs}.
     */
    public static float inverseScale(float lo, float hi, int qmax) {
        return limitInverseScale(qmax / (hi - lo), lo, hi);
    }

    /** A flat group gets 1; the inverse is capped, and lowered where -lo * s would overflow half precision. */
    private static float limitInverseScale(float inverse, float lo, float hi) {
        float s = hi - lo < 1e-4f ? 1f : Math.min(inverse, MAX_INVERSE_SCALE);
        float absLo = lo < 0f ? -lo : lo;
        if (absLo * s > HALF_MAX) {
            s = HALF_MAX / absLo * 0.999f;
        }
        return s;
    }

    /** Quantizes a contiguous group x[0..n). */
    public static Group quantize(float[] x, int bits, int[] codes) {
        return quantize(x, 0, 1, x.length, bits, codes, 0, 1);
    }

    /** The engine's dequantization: half metadata widened, float32 arithmetic. */
    public static float dequantize(int code, float scale, float zero) {
        return (code - zero) * scale;
    }

    /** The reference's dequantization, every step rounded to half precision. */
    public static float dequantizeHalf(int code, Group g) {
        float diff = Float.float16ToFloat(Float.floatToFloat16(code - g.zero()));
        return Float.float16ToFloat(Float.floatToFloat16(diff * g.scale()));
    }

    /**
     * Quantize-dequantize of a whole flat tensor with the reference's group rule (docs/methods/reference.md#the-rule): axis 1
     * groups are consecutive runs of G flat elements; axis 0 reads the tensor as a G x (N/G) matrix and
     * quantizes each column. Returns the dequantized tensor (float32 arithmetic).
     */
    public static float[] roundTripFlat(float[] x, int groupSize, int axis, int bits) {
        int n = x.length;
        if (groupSize < 1 || n % groupSize != 0) {
            throw new IllegalArgumentException("quantization group " + groupSize + " does not divide the "
                    + n + " elements of the tensor");
        }
        int groups = n / groupSize;
        int[] codes = new int[n];
        float[] out = new float[n];
        for (int g = 0; g < groups; g++) {
            int off = axis == 1 ? g * groupSize : g;
            int stride = axis == 1 ? 1 : groups;
            Group p = quantize(x, off, stride, groupSize, bits, codes, off, stride);
            for (int i = 0; i < groupSize; i++) {
                int f = off + i * stride;
                out[f] = dequantize(codes[f], p.scale(), p.zero());
            }
        }
        return out;
    }
}
