package io.kvasir.tornado;

import io.kvasir.compression.CompressionPolicy;
import io.kvasir.compression.KvCache;
import io.kvasir.compression.KvLayout;
import io.kvasir.kernels.Rope;
import io.kvasir.model.ForwardBackend;
import io.kvasir.model.ForwardPass;
import io.kvasir.model.LayerWeights;
import io.kvasir.model.Model;
import io.kvasir.model.ModelConfig;
import io.kvasir.model.ModelWeights;
import java.util.ArrayList;
import java.util.List;
import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.TornadoExecutionPlan;
import uk.ac.manchester.tornado.api.enums.DataTransferMode;
import uk.ac.manchester.tornado.api.exceptions.TornadoExecutionPlanException;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/**
 * The TornadoVM backend, as far as it goes today: prefill, and the compression policy's selection,
 * run on the CPU ({@link ForwardPass}); decode runs on the device. After prefill the kept K/V of every
 * layer and stored head is uploaded once into per-layer device caches; each decode step then runs
 * one task graph (embedding, every layer, final norm and logits) in which weights were uploaded on the
 * first execution, the caches and activations stay on the device, the per-step ints (token, position,
 * per-head cache slots) go in small arrays, and only the logits come back.
 *
 * <p>KV storage: float32, or KIVI codes (8/4/2 bits) that the device appends to, quantizes and
 * attends over as the host store would ({@link KiviDeviceCache}). Half-precision storage and the other
 * quantization schemes get a one-line error. The host {@link KvCache} keeps the prefill state; decode
 * entries live only on the device.
 */
public final class TornadoForward implements ForwardBackend, AutoCloseable {
    private final ModelConfig c;
    private final ModelWeights weights;
    private final ForwardPass cpu;
    private final float[] invFreq;
    private final int maxNewTokens;
    private DecodePlan plan;

    /**
     * @param maxNewTokens decode steps the device caches must hold room for beyond the kept prompt
     */
    public TornadoForward(Model model, int maxNewTokens) {
        this.c = model.config();
        this.weights = model.weights();
        this.cpu = model.forward();
        this.invFreq = new Rope(c.headDim(), c.ropeTheta(), c.ropeScaling()).inverseFrequencies();
        this.maxNewTokens = maxNewTokens;
    }

    @Override
    public float[] prefill(int[] tokens, KvCache cache, CompressionPolicy policy) {
        new TornadoBackendProvider().unsupportedStorage(cache.storage(), c.numLayers()).ifPresent(why -> {
            throw new IllegalArgumentException("--backend tornado: " + why + "; use --backend cpu");
        });
        close();
        float[] logits = cpu.prefill(tokens, cache, policy);
        plan = new DecodePlan(cache);
        return logits;
    }

    @Override
    public float[] decode(int token, int position, KvCache cache) {
        if (plan == null) {
            throw new IllegalStateException("decode before prefill");
        }
        return plan.step(token, position);
    }

    @Override
    public void close() {
        if (plan != null) {
            plan.close();
            plan = null;
        }
    }

    /** Device state and the one task graph of a decode step. */
    private final class DecodePlan implements AutoCloseable {
        private final IntArray token = new IntArray(1);
        private final IntArray position = new IntArray(1);
        private final List<DeviceKvCache> caches = new ArrayList<>();
        private final FloatArray logits;
        private final TornadoExecutionPlan executionPlan;

        DecodePlan(KvCache cache) {
            KvLayout layout = cache.layout();
            int stored = layout.storedHeads();
            int d = c.headDim();
            int longest = 0;
            for (int[] layer : cache.lengths()) {
                for (int n : layer) {
                    longest = Math.max(longest, n);
                }
            }
            for (int l = 0; l < c.numLayers(); l++) {
                DeviceKvCache kv = DeviceKvCache.create(cache.storage(), l, stored, c.numKvHeads(), c.numHeads(), d,
                        longest + maxNewTokens);
                kv.fill(cache, l);
                caches.add(kv);
            }
            int capacity = caches.stream().mapToInt(DeviceKvCache::capacity).max().orElseThrow();
            int hidden = c.hiddenSize();
            FloatArray x = new FloatArray(hidden);
            FloatArray xn = new FloatArray(hidden);
            FloatArray q = new FloatArray(c.qDim());
            FloatArray k = new FloatArray(c.kvDim());
            FloatArray v = new FloatArray(c.kvDim());
            FloatArray attn = new FloatArray(c.qDim());
            FloatArray proj = new FloatArray(hidden);
            FloatArray gate = new FloatArray(c.intermediateSize());
            FloatArray up = new FloatArray(c.intermediateSize());
            FloatArray scores = new FloatArray(c.numHeads() * capacity);
            logits = new FloatArray(c.vocabSize());
            FloatArray freq = FloatArray.fromArray(invFreq);
            float eps = (float) c.rmsNormEps();
            float scale = (float) (1.0 / Math.sqrt(d));

            TaskGraph g = new TaskGraph("decode");
            g.transferToDevice(DataTransferMode.FIRST_EXECUTION, freq);
            DeviceWeights embedding = DeviceWeights.of(weights.embedding());
            embedding.upload(g);
            g.transferToDevice(DataTransferMode.EVERY_EXECUTION, token, position);
            embedding.embed(g, "embed", token, x);
            for (int l = 0; l < c.numLayers(); l++) {
                LayerWeights w = weights.layers().get(l);
                DeviceKvCache kv = caches.get(l);
                FloatArray inputNorm = FloatArray.fromArray(w.inputNorm());
                FloatArray postNorm = FloatArray.fromArray(w.postAttentionNorm());
                DeviceWeights wq = DeviceWeights.of(w.wq());
                DeviceWeights wk = DeviceWeights.of(w.wk());
                DeviceWeights wv = DeviceWeights.of(w.wv());
                DeviceWeights wo = DeviceWeights.of(w.wo());
                DeviceWeights wGate = DeviceWeights.of(w.wGate());
                DeviceWeights wUp = DeviceWeights.of(w.wUp());
                DeviceWeights wDown = DeviceWeights.of(w.wDown());
                g.transferToDevice(DataTransferMode.FIRST_EXECUTION, inputNorm, postNorm);
                g.transferToDevice(DataTransferMode.FIRST_EXECUTION, kv.arrays());
                for (DeviceWeights m : List.of(wq, wk, wv, wo, wGate, wUp, wDown)) {
                    m.upload(g);
                }
                g.transferToDevice(DataTransferMode.EVERY_EXECUTION, kv.stepInts());
                String p = "l" + l + "_";
                g.task(p + "norm", LinearKernels::rmsNorm, x, inputNorm, xn, 1, hidden, eps);
                wq.matvec(g, p + "q", xn, q);
                wk.matvec(g, p + "k", xn, k);
                wv.matvec(g, p + "v", xn, v);
                if (w.bq() != null) {
                    FloatArray bq = FloatArray.fromArray(w.bq());
                    FloatArray bk = FloatArray.fromArray(w.bk());
                    FloatArray bv = FloatArray.fromArray(w.bv());
                    g.transferToDevice(DataTransferMode.FIRST_EXECUTION, bq, bk, bv);
                    g.task(p + "bq", LinearKernels::addBias, q, bq, 1, c.qDim());
                    g.task(p + "bk", LinearKernels::addBias, k, bk, 1, c.kvDim());
                    g.task(p + "bv", LinearKernels::addBias, v, bv, 1, c.kvDim());
                }
                g.task(p + "ropeq", AttentionKernels::rope, q, freq, position, 1, c.numHeads(), d);
                g.task(p + "ropek", AttentionKernels::rope, k, freq, position, 1, c.numKvHeads(), d);
                kv.attend(g, p, q, k, v, scores, attn, scale);
                wo.matvec(g, p + "o", attn, proj);
                g.task(p + "res1", LinearKernels::addInPlace, x, proj, hidden);
                g.task(p + "norm2", LinearKernels::rmsNorm, x, postNorm, xn, 1, hidden, eps);
                wGate.matvec(g, p + "gate", xn, gate);
                wUp.matvec(g, p + "up", xn, up);
                g.task(p + "swiglu", LinearKernels::swiglu, gate, up, c.intermediateSize());
                wDown.matvec(g, p + "down", gate, proj);
                g.task(p + "res2", LinearKernels::addInPlace, x, proj, hidden);
            }
            FloatArray finalNorm = FloatArray.fromArray(weights.finalNorm());
            g.transferToDevice(DataTransferMode.FIRST_EXECUTION, finalNorm);
            g.task("final_norm", LinearKernels::rmsNorm, x, finalNorm, xn, 1, hidden, eps);
            DeviceWeights lmHead = weights.lmHead() == weights.embedding() ? embedding : DeviceWeights.of(weights.lmHead());
            if (lmHead != embedding) {
                lmHead.upload(g);
            }
            lmHead.matvec(g, "logits", xn, logits);
            g.transferToHost(DataTransferMode.EVERY_EXECUTION, logits);
            executionPlan = new TornadoExecutionPlan(g.snapshot());
        }

        float[] step(int id, int pos) {
            if (id < 0 || id >= c.vocabSize()) {
                throw new IllegalArgumentException("token id " + id + " is outside the vocabulary of " + c.vocabSize());
            }
            token.set(0, id);
            position.set(0, pos);
            for (DeviceKvCache kv : caches) {
                kv.advance();
            }
            executionPlan.execute();
            return logits.toHeapArray();
        }

        @Override
        public void close() {
            try {
                executionPlan.close();
            } catch (TornadoExecutionPlanException e) {
                throw new IllegalStateException("closing the TornadoVM execution plan: " + e.getMessage(), e);
            }
        }
    }
}
