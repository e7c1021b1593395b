package io.kvasir.tornado;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kvasir.kernels.ReferenceKernels;
import io.kvasir.kernels.Rope;
import io.kvasir.kernels.tornado.AttentionKernels;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.enums.DataTransferMode;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/** Attention kernels on the device against the scalar references. */
class AttentionKernelsTest {
    private static final int D = 32;

    @Test
    void ropeWithLlama3ScalingMatchesReference() {
        Random r = new Random(5);
        int tokens = 6;
        int heads = 3;
        int start = 3000; // beyond the original context, so every llama3 frequency band is exercised
        Rope rope = new Rope(D, 500000.0, new Rope.Llama3Scaling(32.0, 1.0, 4.0, 8192));
        float[] invFreq = rope.inverseFrequencies();
        float[] x = Device.gaussian(r, tokens * heads * D, 1.0);
        FloatArray xa = Device.array(x);
        FloatArray fa = Device.array(invFreq);
        IntArray pos = IntArray.fromElements(start);
        Device.run(new TaskGraph("rope").transferToDevice(DataTransferMode.EVERY_EXECUTION, xa, fa, pos)
                .task("t", AttentionKernels::rope, xa, fa, pos, tokens, heads, D)
                .transferToHost(DataTransferMode.EVERY_EXECUTION, xa));
        // The engine's RoPE (transformers' float32 angle, position * inv_freq rounded to float): the
        // device must match it, not the double-angle reference, which differs by ~1e-4 at position 3000.
        float[] want = x.clone();
        float[] cos = new float[D / 2];
        float[] sin = new float[D / 2];
        for (int t = 0; t < tokens; t++) {
            rope.angles(start + t, cos, sin);
            rope.rotate(want, t * heads * D, heads, cos, sin);
        }
        double e = Device.relError(want, xa.toHeapArray());
        assertTrue(e <= 1e-5, "rope rel error " + e);
        // And at small positions, where float angles are exact enough, the double-angle reference.
        float[] ref = ReferenceKernels.rope(Arrays.copyOfRange(x, 0, D), start, invFreq);
        assertTrue(Device.relError(ref, Arrays.copyOf(xa.toHeapArray(), D)) <= 1e-3, "reference rope");
    }

    @Test
    void decodeAttentionOverRaggedCacheMatchesReference() {
        // 4 query heads; native GQA (2 stored heads) and repeat mode (4 stored heads).
        for (int stored : new int[] {2, 4}) {
            Random r = new Random(6 + stored);
            int heads = 4;
            int kvHeads = 2;
            int capacity = 40;
            int[] slotsBefore = new int[stored];
            for (int s = 0; s < stored; s++) {
                slotsBefore[s] = 5 + r.nextInt(capacity - 6);
            }
            float[] keys = Device.gaussian(r, stored * capacity * D, 1.0);
            float[] values = Device.gaussian(r, stored * capacity * D, 1.0);
            float[] k = Device.gaussian(r, kvHeads * D, 1.0);
            float[] v = Device.gaussian(r, kvHeads * D, 1.0);
            float[] q = Device.gaussian(r, heads * D, 1.0);
            float scale = (float) (1.0 / Math.sqrt(D));
            FloatArray kc = Device.array(keys);
            FloatArray vc = Device.array(values);
            FloatArray ka = Device.array(k);
            FloatArray va = Device.array(v);
            FloatArray qa = Device.array(q);
            IntArray slots = IntArray.fromArray(slotsBefore);
            FloatArray scores = new FloatArray(heads * capacity);
            FloatArray out = new FloatArray(heads * D);
            Device.run(new TaskGraph("dec" + stored)
                    .transferToDevice(DataTransferMode.EVERY_EXECUTION, kc, vc, ka, va, qa, slots)
                    .task("append", AttentionKernels::cacheAppend, ka, va, kc, vc, slots, stored, kvHeads, capacity, D)
                    .task("scores", AttentionKernels::decodeScores, qa, kc, slots, scores, heads, stored, capacity, D, scale)
                    .task("softmax", AttentionKernels::decodeSoftmax, scores, slots, heads, stored, capacity)
                    .task("values", AttentionKernels::decodeValues, scores, vc, slots, out, heads, stored, capacity, D)
                    .transferToHost(DataTransferMode.EVERY_EXECUTION, out));
            float[] want = new float[heads * D];
            for (int h = 0; h < heads; h++) {
                int s = h * stored / heads;
                int n = slotsBefore[s] + 1;
                float[] kk = Arrays.copyOfRange(keys, s * capacity * D, (s * capacity + n) * D);
                float[] vv = Arrays.copyOfRange(values, s * capacity * D, (s * capacity + n) * D);
                int src = s * kvHeads / stored;
                System.arraycopy(k, src * D, kk, (n - 1) * D, D);
                System.arraycopy(v, src * D, vv, (n - 1) * D, D);
                float[] o = ReferenceKernels.attend(Arrays.copyOfRange(q, h * D, (h + 1) * D), kk, vv, n, scale);
                System.arraycopy(o, 0, want, h * D, D);
            }
            double e = Device.relError(want, out.toHeapArray());
            assertTrue(e <= 1e-5, stored + " stored heads: rel error " + e);
        }
    }

    @Test
    void causalPrefillAttentionMatchesReference() {
        Random r = new Random(7);
        int tokens = 37;
        int heads = 4;
        int kvHeads = 2;
        float[] q = Device.gaussian(r, tokens * heads * D, 1.0);
        float[] k = Device.gaussian(r, tokens * kvHeads * D, 1.0);
        float[] v = Device.gaussian(r, tokens * kvHeads * D, 1.0);
        FloatArray qa = Device.array(q);
        FloatArray ka = Device.array(k);
        FloatArray va = Device.array(v);
        FloatArray out = new FloatArray(tokens * heads * D);
        float scale = (float) (1.0 / Math.sqrt(D));
        Device.run(new TaskGraph("prefill").transferToDevice(DataTransferMode.EVERY_EXECUTION, qa, ka, va)
                .task("attn", AttentionKernels::prefillAttention, qa, ka, va, out, tokens, heads, kvHeads, D, scale)
                .transferToHost(DataTransferMode.EVERY_EXECUTION, out));
        float[] wantOut = new float[tokens * heads * D];
        ReferenceKernels.causalAttention(q, k, v, tokens, heads, kvHeads, D, wantOut, null);
        double e = Device.relError(wantOut, out.toHeapArray());
        assertTrue(e <= 1e-5, "attention rel error " + e);
    }

    @Test
    void promptRowsAreStoredIntoTheCacheOfEveryStoredHead() {
        for (int stored : new int[] {2, 4}) {
            Random r = new Random(40 + stored);
            int kvHeads = 2;
            int tokens = 9;
            int count = 6;
            int capacity = 12;
            float[] k = Device.gaussian(r, tokens * kvHeads * D, 1.0);
            float[] v = Device.gaussian(r, tokens * kvHeads * D, 1.0);
            FloatArray ka = Device.array(k);
            FloatArray va = Device.array(v);
            FloatArray keys = new FloatArray(stored * capacity * D);
            FloatArray values = new FloatArray(stored * capacity * D);
            keys.init(-1f);
            values.init(-1f);
            IntArray n = IntArray.fromElements(count);
            Device.run(new TaskGraph("store" + stored).transferToDevice(DataTransferMode.EVERY_EXECUTION, ka, va, keys, values, n)
                    .task("t", AttentionKernels::storePrompt, ka, va, keys, values, n, stored, kvHeads, capacity, D, tokens)
                    .transferToHost(DataTransferMode.EVERY_EXECUTION, keys, values));
            for (int s = 0; s < stored; s++) {
                int h = s * kvHeads / stored;
                for (int t = 0; t < count; t++) {
                    float[] wantK = Arrays.copyOfRange(k, (t * kvHeads + h) * D, (t * kvHeads + h + 1) * D);
                    float[] wantV = Arrays.copyOfRange(v, (t * kvHeads + h) * D, (t * kvHeads + h + 1) * D);
                    int at = (s * capacity + t) * D;
                    assertTrue(Arrays.equals(wantK, Arrays.copyOfRange(keys.toHeapArray(), at, at + D)), "key " + s + " " + t);
                    assertTrue(Arrays.equals(wantV, Arrays.copyOfRange(values.toHeapArray(), at, at + D)), "value " + s + " " + t);
                }
            }
        }
    }
}
