package io.kvasir.kernels.tornado;

import uk.ac.manchester.tornado.api.math.TornadoMath;

/**
 * 16-bit float conversions written with integer and float arithmetic only, so that they inline into
 * kernels on every backend: PoCL on a CPU has no fp16 ({@code cl_khr_fp16}), and TornadoVM's OpenCL
 * code generator does not implement {@link Float#intBitsToFloat} (its ReinterpretNode is
 * "unimplemented"), so the bits are assembled from exact products with powers of two instead. Results
 * equal {@link Float#float16ToFloat}, {@link Float#floatToFloat16} (round half to even, subnormals,
 * infinities) and the bf16 rule {@code bits << 16}.
 */
public final class HalfBits {
    private HalfBits() {}

    /** IEEE half bits to float: (1024 + mantissa) * 2^(exponent - 25), exact in float. */
    public static float halfToFloat(short bits) {
        int h = unsigned(bits);
        int exponent = (h >> 10) & 0x1F;
        int mantissa = h & 0x3FF;
        float magnitude;
        if (exponent == 0) {
            magnitude = mantissa * 0x1p-24f;
        } else if (exponent == 31) {
            magnitude = mantissa == 0 ? Float.POSITIVE_INFINITY : nan(mantissa);
        } else {
            magnitude = (float) (1024 + mantissa) * (float) (1 << exponent) * 0x1p-25f;
        }
        return (h >> 15) == 1 ? -magnitude : magnitude;
    }

    /** bfloat16 bits to float: (128 + mantissa) * 2^(exponent - 134), exact in float. */
    public static float bf16ToFloat(short bits) {
        int b = unsigned(bits);
        int exponent = (b >> 7) & 0xFF;
        int mantissa = b & 0x7F;
        float magnitude;
        if (exponent == 0) {
            magnitude = mantissa * pow2(-133);
        } else if (exponent == 255) {
            magnitude = mantissa == 0 ? Float.POSITIVE_INFINITY : nan(mantissa);
        } else {
            magnitude = (float) (128 + mantissa) * pow2(exponent - 134);
        }
        return (b >> 15) == 1 ? -magnitude : magnitude;
    }

    /**
     * A NaN made at run time: TornadoVM's OpenCL code generator prints the constant Float.NaN as
     * "NaNF", which OpenCL C does not know, and the kernel then fails to build.
     */
    private static float nan(int anything) {
        float x = anything;
        return (x - x) * Float.POSITIVE_INFINITY;
    }

    /**
     * 0..65535 from a short without {@code & 0xFFFF}: Graal turns that mask into a zero-extension,
     * which TornadoVM's OpenCL code generator prints as a plain (sign-extending) cast.
     */
    private static int unsigned(short bits) {
        int b = bits;
        if (b < 0) {
            b = b + 65536;
        }
        return b;
    }

    /** 2^n for n in [-149, 127], exactly: three exact factors of at most 2^62 each. */
    static float pow2(int n) {
        float r = 1f;
        int k = n;
        for (int i = 0; i < 3; i++) {
            // Explicit clamps: Math.min/max here compile to an OpenCL min() call that PoCL finds ambiguous.
            int step = k > 62 ? 62 : (k < -62 ? -62 : k);
            float factor = step >= 0 ? (float) (1L << step) : 1f / (float) (1L << -step);
            r = r * factor;
            k = k - step;
        }
        return r;
    }

    /** Float to IEEE half bits, rounded to nearest even, as {@link Float#floatToFloat16}. */
    public static short floatToHalf(float f) {
        int out;
        if (f != f) {
            out = 0x7E00;
        } else {
            // Plain ifs: the combined condition (f < 0 || (f == 0 && 1 / f < 0)) compiled to a wrong
            // sign on TornadoVM's OpenCL backend.
            int sign = 0;
            float a = f;
            if (f < 0f) {
                sign = 0x8000;
                a = -f;
            } else if (f == 0f) {
                if (1f / f < 0f) {
                    sign = 0x8000; // -0.0
                }
            }
            if (a >= 65520f) {
                out = sign | 0x7C00; // rounds to infinity (infinity included)
            } else if (a < 0x1p-14f) {
                // Subnormal half: units of 2^-24; 1024 units is the smallest normal, encoded the same way.
                out = sign | (int) rint(a * 0x1p24f);
            } else {
                int e = -14;
                float p = 0x1p-13f;
                for (int i = -13; i <= 15; i++) {
                    if (a >= p) {
                        e = i;
                    }
                    p = p * 2f;
                }
                int mant = (int) rint(a * pow2(10 - e));
                if (mant == 2048) {
                    mant = 1024;
                    e = e + 1;
                }
                out = sign | ((e + 15) << 10) | (mant - 1024);
            }
        }
        return (short) out;
    }

    /** Math.rint (round half to even) for magnitudes below 2^23. */
    public static float rint(float v) {
        float r = TornadoMath.floor(v);
        float diff = v - r;
        float result = r;
        if (diff > 0.5f) {
            result = r + 1f;
        } else if (diff == 0.5f && ((int) r) % 2 != 0) {
            result = r + 1f;
        }
        return result;
    }
}
