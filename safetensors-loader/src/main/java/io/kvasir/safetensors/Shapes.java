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
}
