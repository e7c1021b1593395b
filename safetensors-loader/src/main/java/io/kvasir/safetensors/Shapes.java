package io.kvasir.safetensors;

/** Shape arithmetic shared by header validation and {@link Tensor}. */
final class Shapes {

    private Shapes() {
    }

    /**
     * @return the product of the dimensions (1 for a scalar)
     * @throws ArithmeticException if the product does not fit in a long
     */
    static long elementCount(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    /** @return the row-major index as coordinates, e.g. [3, 17] for index 3*cols+17 of a matrix */
    static long[] coordinates(long index, long[] shape) {
        long[] at = new long[shape.length];
        for (int axis = shape.length - 1; axis >= 0; axis--) {
            at[axis] = index % shape[axis];
            index /= shape[axis];
        }
        return at;
    }
}
