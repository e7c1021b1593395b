package io.kvasir.jmh;

import io.kvasir.kernels.RandomWeights;
import io.kvasir.kernels.WeightMatrix;
import io.kvasir.kernels.WeightType;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Decode matvec (out = W . x), the new row-block kernel against the pre-#16 kernel in the same JVM.
 * The "gbyte" counter is weight bytes read per second (GB/s), to set against the STREAM probe
 * (tools/bench/StreamRead.java). The default 16384 x 2048 matrix (64 MiB in 16 bits) is larger
 * than the last-level cache, so it is read from memory as in decode; -p rows=128256 is the LM head.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsPrepend = {"--add-modules", "jdk.incubator.vector", "-Xmx4g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class MatvecBenchmark {
    @Param({"BF16", "F16"})
    public WeightType type;
    @Param({"rowblock", "baseline"})
    public String kernel;
    @Param("16384")
    public int rows;
    @Param("2048")
    public int cols;

    private WeightMatrix w;
    private float[] x;
    private float[] out;

    /** Weight bytes read, as a rate. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Bytes {
        public double gbyte;
    }

    @Setup(Level.Trial)
    public void setUp() {
        w = RandomWeights.matrix(type, rows, cols, 3);
        x = RandomWeights.vector(cols, 4);
        out = new float[rows];
    }

    @Benchmark
    public float[] matvec(Bytes bytes) {
        if (kernel.equals("rowblock")) {
            w.matvec(x, out);
        } else {
            BaselineKernels.matvec(w, x, out);
        }
        bytes.gbyte += (double) rows * cols * type.bytes() / 1e9;
        return out;
    }
}
