package io.kvasir.tornado;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kvasir.compression.GqaMode;
import io.kvasir.compression.GqaScores;
import io.kvasir.compression.KeptPositions;
import io.kvasir.compression.KvLayout;
import io.kvasir.compression.LayerPrefill;
import io.kvasir.compression.ObservationScores;
import io.kvasir.compression.Pooling;
import io.kvasir.compression.ScoreAggregation;
import io.kvasir.compression.ScorePooling;
import io.kvasir.compression.TopK;
import io.kvasir.kernels.tornado.SelectionKernels;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.enums.DataTransferMode;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/** Selection kernels on the device against the compression module's CPU implementations. */
class SelectionKernelsTest {
    private static final int T = 48;
    private static final int HEADS = 4;
    private static final int KV = 2;
    private static final int D = 16;

    private static float[] flat(float[][] rows) {
        float[] out = new float[rows.length * rows[0].length];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, out, i * rows[i].length, rows[i].length);
        }
        return out;
    }

    /** The first n values of each of the rows of a [rows][stride] array, one after another. */
    private static float[] leading(float[] a, int rows, int stride, int n) {
        float[] out = new float[rows * n];
        for (int i = 0; i < rows; i++) {
            System.arraycopy(a, i * stride, out, i * n, n);
        }
        return out;
    }

    /**
     * The SnapKV kernels with the prompt length given at run time and rows padded to a longer stride,
     * as the device prefill runs them.
     */
    @Test
    void snapKvPipelineMatchesTheCpu() {
        Random r = new Random(11);
        float[] q = Device.gaussian(r, T * HEADS * D, 1.0);
        float[] k = Device.gaussian(r, T * KV * D, 1.0);
        float[] v = Device.gaussian(r, T * KV * D, 1.0);
        int window = 8;
        int candidates = T - window;
        int count = 12;
        int kernel = 5;
        KvLayout layout = new KvLayout(1, KV, HEADS, D, GqaMode.NATIVE);
        LayerPrefill prefill = new LayerPrefill(0, layout, T, k, v, q, null);
        float[][] wantSums = ObservationScores.columnSums(prefill, window, candidates, false);

        FloatArray qa = Device.array(q);
        FloatArray ka = Device.array(k);
        FloatArray va = Device.array(v);
        int stride = T + 5;
        IntArray tokens = IntArray.fromElements(T);
        IntArray n = IntArray.fromElements(candidates);
        FloatArray rowMax = new FloatArray(HEADS * window);
        FloatArray rowSum = new FloatArray(HEADS * window);
        FloatArray sums = new FloatArray(HEADS * stride);
        FloatArray reduced = new FloatArray(KV * stride);
        FloatArray pooled = new FloatArray(KV * stride);
        Device.run(new TaskGraph("snap").transferToDevice(DataTransferMode.EVERY_EXECUTION, qa, ka, tokens, n)
                .task("stats", SelectionKernels::windowRowStats, qa, ka, rowMax, rowSum, tokens, window, HEADS, KV, D)
                .task("sums", SelectionKernels::windowColumnSums, qa, ka, rowMax, rowSum, sums, tokens, n, window, stride,
                        HEADS, KV, D)
                .task("gqa", SelectionKernels::gqaReduce, sums, reduced, HEADS, KV, stride, SelectionKernels.AGG_MEAN)
                .task("pool", SelectionKernels::pool, reduced, pooled, KV, n, stride, kernel, 1)
                .transferToHost(DataTransferMode.EVERY_EXECUTION, sums, pooled));
        double e = Device.relError(flat(wantSums), leading(sums.toHeapArray(), HEADS, stride, candidates));
        assertTrue(e <= 1e-5, "column sums rel error " + e);
        for (int i = candidates; i < stride; i++) {
            assertEquals(0f, sums.get(i), "column sum past the candidates");
        }
        float[][] perStored = GqaScores.perStoredHead(wantSums, layout, ScoreAggregation.MEAN);
        float[][] wantPooled = new float[KV][];
        for (int s = 0; s < KV; s++) {
            wantPooled[s] = ScorePooling.apply(perStored[s], Pooling.MAXPOOL, kernel);
        }
        double ep = Device.relError(flat(wantPooled), leading(pooled.toHeapArray(), KV, stride, candidates));
        assertTrue(ep <= 1e-5, "pooled rel error " + ep);

        // Top-k and compaction from the CPU's pooled scores (padded rows), so the kept sets must be identical.
        float[] padded = new float[KV * stride];
        for (int s = 0; s < KV; s++) {
            System.arraycopy(wantPooled[s], 0, padded, s * stride, candidates);
            Arrays.fill(padded, s * stride + candidates, (s + 1) * stride, 1e9f); // garbage past n must not count
        }
        FloatArray hostPooled = Device.array(padded);
        IntArray flags = new IntArray(KV * stride);
        IntArray kept = new IntArray(KV * stride);
        IntArray keptLength = new IntArray(KV);
        int capacity = T + 4;
        FloatArray keyCache = new FloatArray(KV * capacity * D);
        FloatArray valueCache = new FloatArray(KV * capacity * D);
        Device.run(new TaskGraph("topk").transferToDevice(DataTransferMode.EVERY_EXECUTION, hostPooled, ka, va, tokens, n)
                .task("flags", SelectionKernels::topKFlags, hostPooled, flags, KV, n, stride, count)
                .task("compact", SelectionKernels::compactKept, flags, kept, keptLength, KV, n, tokens, stride)
                .task("gather", SelectionKernels::gatherKept, ka, va, kept, keptLength, keyCache, valueCache, KV, KV, stride,
                        capacity, D)
                .transferToHost(DataTransferMode.EVERY_EXECUTION, kept, keptLength, keyCache, valueCache));
        for (int s = 0; s < KV; s++) {
            int[] want = KeptPositions.withWindow(TopK.select(wantPooled[s], count), T, window);
            assertEquals(want.length, keptLength.get(s));
            int[] got = Arrays.copyOfRange(kept.toHeapArray(), s * stride, s * stride + want.length);
            assertArrayEquals(want, got, "kept positions of stored head " + s);
            for (int i = 0; i < want.length; i++) {
                for (int d = 0; d < D; d++) {
                    assertEquals(k[(want[i] * KV + s) * D + d], keyCache.get((s * capacity + i) * D + d));
                    assertEquals(v[(want[i] * KV + s) * D + d], valueCache.get((s * capacity + i) * D + d));
                }
            }
        }
    }

    @Test
    void gqaReductionsAndAveragePoolingMatchTheCpu() {
        Random r = new Random(12);
        int n = 30;
        float[][] rows = new float[HEADS][];
        for (int h = 0; h < HEADS; h++) {
            rows[h] = Device.gaussian(r, n, 1.0);
        }
        KvLayout layout = new KvLayout(1, KV, HEADS, D, GqaMode.NATIVE);
        int[] codes = {SelectionKernels.AGG_MEAN, SelectionKernels.AGG_MAX, SelectionKernels.AGG_SUM};
        ScoreAggregation[] aggs = {ScoreAggregation.MEAN, ScoreAggregation.MAX, ScoreAggregation.SUM};
        for (int a = 0; a < 3; a++) {
            FloatArray in = Device.array(flat(rows));
            FloatArray out = new FloatArray(KV * n);
            FloatArray pooled = new FloatArray(KV * n);
            IntArray count = IntArray.fromElements(n);
            Device.run(new TaskGraph("gqa" + a).transferToDevice(DataTransferMode.EVERY_EXECUTION, in, count)
                    .task("gqa", SelectionKernels::gqaReduce, in, out, HEADS, KV, n, codes[a])
                    .task("pool", SelectionKernels::pool, out, pooled, KV, count, n, 7, 0)
                    .transferToHost(DataTransferMode.EVERY_EXECUTION, out, pooled));
            float[][] want = GqaScores.perStoredHead(rows, layout, aggs[a]);
            assertTrue(Device.relError(flat(want), out.toHeapArray()) <= 1e-6, aggs[a].toString());
            float[][] wantPooled = {ScorePooling.apply(want[0], Pooling.AVGPOOL, 7), ScorePooling.apply(want[1], Pooling.AVGPOOL, 7)};
            assertTrue(Device.relError(flat(wantPooled), pooled.toHeapArray()) <= 1e-6, "avgpool " + aggs[a]);
        }
    }
}
