package io.kvasir.safetensors;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;

/**
 * A read-only view of one tensor inside a memory-mapped safetensors file.
 *
 * <p>{@link #data()} is a slice of the file's mapping holding the elements in row-major order as
 * little-endian bytes. Safetensors does not promise alignment, so read it with unaligned layouts
 * ({@link #F32_LE}, {@link #U16_LE}). The view is valid until the {@link SafetensorsFile} (or
 * {@link SafetensorsModel}) it came from is closed; after that any access throws
 * {@link IllegalStateException}.
 */
public final class Tensor {

    /** Unaligned little-endian float layout for F32 data. */
    public static final ValueLayout.OfFloat F32_LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    /** Unaligned little-endian 16-bit layout for F16 and BF16 data (raw bits). */
    public static final ValueLayout.OfShort U16_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final String name;
    private final DType dtype;
    private final long[] shape;
    private final long elementCount;
    private final MemorySegment data;
    private final Path file;

    /**
     * @param name  the tensor's name in the header
     * @param dtype element type
     * @param shape dimensions, outermost first (copied)
     * @param data  exactly {@code product(shape) * dtype.byteSize()} bytes
     * @param file  the file the data lives in
     * @throws IllegalArgumentException if the data size does not match dtype and shape
     */
    public Tensor(String name, DType dtype, long[] shape, MemorySegment data, Path file) {
        this.name = Objects.requireNonNull(name, "name");
        this.dtype = Objects.requireNonNull(dtype, "dtype");
        this.shape = shape.clone();
        this.data = Objects.requireNonNull(data, "data");
        this.file = Objects.requireNonNull(file, "file");
        this.elementCount = Shapes.elementCount(this.shape);
        if (data.byteSize() != Math.multiplyExact(elementCount, dtype.byteSize())) {
            throw new IllegalArgumentException("tensor '" + name + "': " + data.byteSize() + " bytes do not hold "
                    + Arrays.toString(this.shape) + " " + dtype + " elements");
        }
    }

    /** @return the tensor's name in the safetensors header */
    public String name() {
        return name;
    }

    /** @return the element type */
    public DType dtype() {
        return dtype;
    }

    /** @return a copy of the dimensions, outermost first; empty for a scalar */
    public long[] shape() {
        return shape.clone();
    }

    /** @return the number of dimensions */
    public int rank() {
        return shape.length;
    }

    /**
     * @param axis 0 for the outermost dimension
     * @return the size of that dimension
     */
    public long dim(int axis) {
        return shape[axis];
    }

    /** @return the product of the shape (1 for a scalar) */
    public long elementCount() {
        return elementCount;
    }

    /** @return the size of the data in bytes */
    public long byteSize() {
        return data.byteSize();
    }

    /** @return the read-only little-endian bytes of the tensor, a slice of the file mapping */
    public MemorySegment data() {
        return data;
    }

    /** @return the file the tensor was read from */
    public Path file() {
        return file;
    }

    /**
     * Reads one element widened to float. One call per element is slow: this is for tests and small
     * tensors (norm weights, biases); kernels read {@link #data()} directly.
     *
     * @param index flat row-major element index
     * @return the element's value
     * @throws IndexOutOfBoundsException if index is not in [0, elementCount)
     */
    public float getFloat(long index) {
        Objects.checkIndex(index, elementCount);
        long offset = index * dtype.byteSize();
        return switch (dtype) {
            case F32 -> data.get(F32_LE, offset);
            case F16 -> Float.float16ToFloat(data.get(U16_LE, offset));
            // bfloat16 is the high half of a binary32, so shifting the bits back is exact.
            case BF16 -> Float.intBitsToFloat((data.get(U16_LE, offset) & 0xFFFF) << 16);
        };
    }

    /**
     * Scans every element (vectorised; about the cost of reading the bytes once).
     *
     * @return the flat row-major index of the first NaN or infinity, or -1 if all elements are finite
     */
    public long firstNonFinite() {
        return NonFiniteScan.firstNonFinite(dtype, data, elementCount);
    }

    /**
     * Copies all elements widened to float; for small tensors.
     *
     * @return a new array of {@link #elementCount()} floats
     * @throws IllegalStateException if the tensor has more elements than a Java array holds
     */
    public float[] toFloatArray() {
        if (elementCount > Integer.MAX_VALUE - 8) {
            throw new IllegalStateException("tensor '" + name + "' has " + elementCount + " elements, too many for a float[]");
        }
        float[] out = new float[(int) elementCount];
        for (int i = 0; i < out.length; i++) {
            out[i] = getFloat(i);
        }
        return out;
    }

    @Override
    public String toString() {
        return "Tensor[" + name + " " + dtype + " " + Arrays.toString(shape) + " in " + file + "]";
    }
}
