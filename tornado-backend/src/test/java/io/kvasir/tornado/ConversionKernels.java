package io.kvasir.tornado;

import io.kvasir.kernels.tornado.HalfBits;
import uk.ac.manchester.tornado.api.annotations.Parallel;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.ShortArray;

/** Element-wise wrappers that run the {@link HalfBits} helpers on the device for the tests. */
final class ConversionKernels {
    private ConversionKernels() {}

    static void halfToFloat(ShortArray in, FloatArray out, int n) {
        for (@Parallel int i = 0; i < n; i++) {
            out.set(i, HalfBits.halfToFloat(in.get(i)));
        }
    }

    static void bf16ToFloat(ShortArray in, FloatArray out, int n) {
        for (@Parallel int i = 0; i < n; i++) {
            out.set(i, HalfBits.bf16ToFloat(in.get(i)));
        }
    }

    static void floatToHalf(FloatArray in, ShortArray out, int n) {
        for (@Parallel int i = 0; i < n; i++) {
            out.set(i, HalfBits.floatToHalf(in.get(i)));
        }
    }

    // Not named "rint": the kernel takes the method name, and OpenCL C already has a rint().
    static void roundHalfEven(FloatArray x, int n) {
        for (@Parallel int i = 0; i < n; i++) {
            x.set(i, HalfBits.rint(x.get(i)));
        }
    }
}
