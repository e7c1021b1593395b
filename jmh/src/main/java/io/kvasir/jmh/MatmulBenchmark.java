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
 * Prefill matmul of a chunk of tokens against one projection (out = x . W^T), the new packed GEMM
 * against the pre-#16 kernel in the same JVM. The "gflop" counter is GFLOP/s (2 * tokens * rows *
 * cols per call). Shapes default to Llama-3.2-1B's q/o projection; -p rows=8192 is gate/up,
 * -p cols=8192 down. Run with -jvmArgsAppend -XX:MaxVectorSize=32 for 256-bit vectors.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsPrepend = {"--add-modules", "jdk.incubator.vector", "-Xmx4g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class MatmulBenchmark {
    @Param({"BF16", "F16"})
    public WeightType type;
    @Param({"panel", "baseline"})
    public String kernel;
    @Param("2048")
    public int rows;
    @Param("2048")
    public int cols;
    @Param("128")
    public int tokens;

    private WeightMatrix w;
    private float[] x;
    private float[] out;

    /** Arithmetic done, as a rate. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Flops {
        public double gflop;
    }

    @Setup(Level.Trial)
    public void setUp() {
        w = RandomWeights.matrix(type, rows, cols, 1);
        x = RandomWeights.vector(tokens * cols, 2);
        out = new float[tokens * rows];
    }

    @Benchmark
    public float[] matmul(Flops flops) {
        if (kernel.equals("panel")) {
            w.matmul(x, tokens, out);
        } else {
            BaselineKernels.matmul(w, x, tokens, out);
        }
        flops.gflop += 2.0 * tokens * rows * cols / 1e9;
        return out;
    }
}
