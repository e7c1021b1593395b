package io.kvasir.tornado;

import io.kvasir.kernels.WeightMatrix;
import io.kvasir.kernels.WeightType;
import io.kvasir.kernels.tornado.LinearKernels;
import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.enums.DataTransferMode;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;
import uk.ac.manchester.tornado.api.types.arrays.ShortArray;

/**
 * One weight matrix copied into a TornadoVM array in its file encoding (f32, or the raw bits of
 * f16/bf16), with the tasks that read it: the kernel is picked by the type here so that graphs are
 * written once for all three encodings.
 */
public final class DeviceWeights {
    private final WeightType type;
    private final int rows;
    private final int cols;
    private final FloatArray f32;
    private final ShortArray bits;

    private DeviceWeights(WeightType type, int rows, int cols, FloatArray f32, ShortArray bits) {
        this.type = type;
        this.rows = rows;
        this.cols = cols;
        this.f32 = f32;
        this.bits = bits;
    }

    /** Copies the matrix (one pass over the mapped file) into a native TornadoVM array. */
    public static DeviceWeights of(WeightMatrix m) {
        return m.type() == WeightType.F32
                ? new DeviceWeights(m.type(), m.rows(), m.cols(), FloatArray.fromSegment(m.data()), null)
                : new DeviceWeights(m.type(), m.rows(), m.cols(), null, ShortArray.fromSegment(m.data()));
    }

    public int rows() {
        return rows;
    }

    public int cols() {
        return cols;
    }

    /** The array that holds the weights. */
    public Object array() {
        return type == WeightType.F32 ? f32 : bits;
    }

    /** Declares the upload: once, on the graph's first execution, then resident. */
    public TaskGraph upload(TaskGraph g) {
        return g.transferToDevice(DataTransferMode.FIRST_EXECUTION, array());
    }

    /** Adds out = W x. */
    public TaskGraph matvec(TaskGraph g, String id, FloatArray x, FloatArray out) {
        return switch (type) {
            case F32 -> g.task(id, LinearKernels::matvecF32, f32, x, out, rows, cols);
            case F16 -> g.task(id, LinearKernels::matvecF16, bits, x, out, rows, cols);
            case BF16 -> g.task(id, LinearKernels::matvecBF16, bits, x, out, rows, cols);
        };
    }

    /** Adds out[t] = W x[t] for t < tokens. */
    public TaskGraph matmul(TaskGraph g, String id, FloatArray x, FloatArray out, int tokens) {
        return switch (type) {
            case F32 -> g.task(id, LinearKernels::matmulF32, f32, x, out, tokens, rows, cols);
            case F16 -> g.task(id, LinearKernels::matmulF16, bits, x, out, tokens, rows, cols);
            case BF16 -> g.task(id, LinearKernels::matmulBF16, bits, x, out, tokens, rows, cols);
        };
    }

    /** Adds out[t] = row tokens[t] for t < rows (the embedding lookup). */
    public TaskGraph embed(TaskGraph g, String id, IntArray tokens, FloatArray out, int rows) {
        return switch (type) {
            case F32 -> g.task(id, LinearKernels::embedF32, f32, tokens, out, rows, cols);
            case F16 -> g.task(id, LinearKernels::embedF16, bits, tokens, out, rows, cols);
            case BF16 -> g.task(id, LinearKernels::embedBF16, bits, tokens, out, rows, cols);
        };
    }
}
