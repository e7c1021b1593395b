import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * STREAM-like read bandwidth probe: every core sums its half (third, ...) of an off-heap float
 * buffer far larger than the caches, as the decode matvec reads weights. Prints the best GB/s of
 * several passes: the roofline to state the decode matvec's achieved GB/s against.
 *
 *   java --add-modules jdk.incubator.vector tools/bench/StreamRead.java [MiB]
 */
public class StreamRead {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;

    public static void main(String[] args) throws Exception {
        long mib = args.length > 0 ? Long.parseLong(args[0]) : 512;
        int cores = Runtime.getRuntime().availableProcessors();
        MemorySegment buf = Arena.ofShared().allocate(mib << 20, 64);
        for (long i = 0; i < buf.byteSize(); i += 4096) {
            buf.set(java.lang.foreign.ValueLayout.JAVA_BYTE, i, (byte) 1); // touch every page
        }
        System.out.printf("%d MiB, %d cores%n", mib, cores);
        for (int threads : new int[] {1, cores}) {
            double best = 0;
            for (int pass = 0; pass < 8; pass++) {
                best = Math.max(best, pass(buf, threads));
            }
            System.out.printf("%d core(s): %.1f GB/s read%n", threads, best);
        }
    }

    private static double pass(MemorySegment buf, int threads) throws Exception {
        long part = buf.byteSize() / threads / F.vectorByteSize() * F.vectorByteSize();
        List<Thread> workers = new ArrayList<>();
        float[] sink = new float[threads];
        long t0 = System.nanoTime();
        for (int t = 0; t < threads; t++) {
            int id = t;
            Thread th = new Thread(() -> sink[id] = sum(buf, id * part, part));
            workers.add(th);
            th.start();
        }
        for (Thread th : workers) {
            th.join();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        return part * threads / seconds / 1e9;
    }

    /** Four accumulators so that the adds never wait: the loop is bound by the loads. */
    private static float sum(MemorySegment buf, long from, long bytes) {
        int step = F.vectorByteSize();
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
        for (long o = from; o + 4L * step <= from + bytes; o += 4L * step) {
            a0 = a0.add(FloatVector.fromMemorySegment(F, buf, o, ByteOrder.LITTLE_ENDIAN));
            a1 = a1.add(FloatVector.fromMemorySegment(F, buf, o + step, ByteOrder.LITTLE_ENDIAN));
            a2 = a2.add(FloatVector.fromMemorySegment(F, buf, o + 2L * step, ByteOrder.LITTLE_ENDIAN));
            a3 = a3.add(FloatVector.fromMemorySegment(F, buf, o + 3L * step, ByteOrder.LITTLE_ENDIAN));
        }
        return a0.add(a1).add(a2).add(a3).reduceLanes(VectorOperators.ADD);
    }
}
