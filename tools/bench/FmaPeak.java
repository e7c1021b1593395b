import java.util.ArrayList;
import java.util.List;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * FMA peak probe: the float32 GFLOP/s the Vector API reaches with independent multiply-add chains
 * and no memory traffic, on one core and on all cores, for the preferred species (the one the
 * kernels use; -XX:MaxVectorSize=32 gives the 256-bit figure on an AVX-512 machine). It is the
 * ceiling to state the prefill GEMM's GFLOP/s against (cores x FMA pipes x lanes x 2 x clock).
 *
 *   java --add-modules jdk.incubator.vector tools/bench/FmaPeak.java [seconds]
 */
public class FmaPeak {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int CHAINS = 12;
    private static final long STEPS = 20_000_000L;

    public static void main(String[] args) throws Exception {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 3;
        int cores = Runtime.getRuntime().availableProcessors();
        System.out.printf("species %s (%d float lanes), %d cores%n", F, F.length(), cores);
        run(1, 1);  // warm-up: C2 compiles the loop
        System.out.printf("1 core : %.1f GFLOP/s%n", run(1, seconds));
        System.out.printf("%d cores: %.1f GFLOP/s%n", cores, run(cores, seconds));
    }

    /** Runs `threads` threads of chains for about `seconds`; total GFLOP/s. */
    private static double run(int threads, double seconds) throws Exception {
        List<Thread> workers = new ArrayList<>();
        double[] flops = new double[threads];
        long t0 = System.nanoTime();
        for (int t = 0; t < threads; t++) {
            int id = t;
            Thread th = new Thread(() -> {
                long end = t0 + (long) (seconds * 1e9);
                double done = 0;
                float sink = 0;
                while (System.nanoTime() < end) {
                    sink += chains(STEPS / 100);
                    done += 2.0 * F.length() * CHAINS * (STEPS / 100);
                }
                flops[id] = done + (sink == 42 ? 1 : 0);
            });
            workers.add(th);
            th.start();
        }
        for (Thread th : workers) {
            th.join();
        }
        double elapsed = (System.nanoTime() - t0) / 1e9;
        double total = 0;
        for (double f : flops) {
            total += f;
        }
        return total / elapsed / 1e9;
    }

    /** CHAINS independent FMA chains (enough to cover latency x pipes), `steps` FMAs each. */
    private static float chains(long steps) {
        FloatVector m = FloatVector.broadcast(F, 0.999999f);
        FloatVector a = FloatVector.broadcast(F, 1e-7f);
        FloatVector c0 = FloatVector.broadcast(F, 1f), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0;
        FloatVector c6 = c0, c7 = c0, c8 = c0, c9 = c0, c10 = c0, c11 = c0;
        for (long i = 0; i < steps; i++) {
            c0 = c0.fma(m, a); c1 = c1.fma(m, a); c2 = c2.fma(m, a); c3 = c3.fma(m, a);
            c4 = c4.fma(m, a); c5 = c5.fma(m, a); c6 = c6.fma(m, a); c7 = c7.fma(m, a);
            c8 = c8.fma(m, a); c9 = c9.fma(m, a); c10 = c10.fma(m, a); c11 = c11.fma(m, a);
        }
        FloatVector s = c0.add(c1).add(c2).add(c3).add(c4).add(c5).add(c6).add(c7).add(c8).add(c9).add(c10).add(c11);
        return s.lane(0);
    }
}
