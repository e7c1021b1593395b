package io.kvasir.kernels;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RecursiveAction;
import java.util.function.IntConsumer;

/**
 * Splits index ranges over the cores. Work is cut into at most a few chunks per core so that
 * small loops do not pay for many tasks; each chunk runs a contiguous range.
 */
public final class Parallel {
    private static final int THREADS = Runtime.getRuntime().availableProcessors();

    private Parallel() {}

    /** Number of worker threads the kernels use. */
    public static int threads() {
        return THREADS;
    }

    /** A body that processes indices [from, to). */
    @FunctionalInterface
    public interface RangeBody {
        void run(int from, int to);
    }

    /** Runs body over [0, n) split into contiguous chunks of at least minChunk indices. */
    public static void forRange(int n, int minChunk, RangeBody body) {
        if (n <= 0) {
            return;
        }
        int chunks = Math.min(THREADS * 4, Math.max(1, n / Math.max(1, minChunk)));
        if (chunks == 1 || THREADS == 1) {
            body.run(0, n);
            return;
        }
        ForkJoinPool.commonPool().invoke(new Chunk(body, 0, n, (n + chunks - 1) / chunks));
    }

    /**
     * Runs body over [0, n) cut into one contiguous range per core (a single fork for the whole
     * loop): for kernels whose per-index work is even, where more tasks only add overhead.
     */
    public static void perCore(int n, RangeBody body) {
        if (n <= 0) {
            return;
        }
        if (THREADS == 1 || n == 1) {
            body.run(0, n);
            return;
        }
        ForkJoinPool.commonPool().invoke(new Chunk(body, 0, n, (n + THREADS - 1) / THREADS));
    }

    /** Runs body for every index in [0, n), one index per task unit. */
    public static void forEach(int n, IntConsumer body) {
        forRange(n, 1, (from, to) -> {
            for (int i = from; i < to; i++) {
                body.accept(i);
            }
        });
    }

    private static final class Chunk extends RecursiveAction {
        private final RangeBody body;
        private final int from;
        private final int to;
        private final int grain;

        Chunk(RangeBody body, int from, int to, int grain) {
            this.body = body;
            this.from = from;
            this.to = to;
            this.grain = grain;
        }

        @Override
        protected void compute() {
            if (to - from <= grain) {
                body.run(from, to);
                return;
            }
            int mid = from + (to - from) / 2;
            invokeAll(new Chunk(body, from, mid, grain), new Chunk(body, mid, to, grain));
        }
    }
}
