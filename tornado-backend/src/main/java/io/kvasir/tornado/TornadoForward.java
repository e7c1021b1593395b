package io.kvasir.tornado;

import io.kvasir.compression.cache.KvCache;
import io.kvasir.compression.cache.KvStorage;
import io.kvasir.compression.full.FullKvPolicy;
import io.kvasir.compression.policy.CompressionPolicy;
import io.kvasir.kernels.Rope;
import io.kvasir.model.ForwardBackend;
import io.kvasir.model.ForwardPass;
import io.kvasir.model.Model;
import io.kvasir.model.ModelConfig;
import io.kvasir.model.ModelWeights;
import java.util.Arrays;
import java.util.Optional;

/**
 * The TornadoVM backend, as far as it goes today: decode runs on the device; when asked to, prefill
 * runs there too for a float32 cache with the full or the SnapKV policy (SnapKV's selection included),
 * else prefill and the compression policy's selection run on the CPU ({@link ForwardPass}). The device work goes through a {@link DevicePlan} that
 * lives as long as this object, so a second request reuses the uploaded weights and only refills the
 * per-layer KV caches. A request whose cache needs more room than the plan has (or another storage or
 * head layout) gets a new plan, sized to the next power of two of entries, which uploads the weights
 * again.
 *
 * <p>KV storage: float32, or KIVI codes (8/4/2 bits) that the device appends to, quantizes and
 * attends over as the host store would ({@link KiviDeviceCache}). Half-precision storage and the other
 * quantization schemes get a one-line error.
 *
 * <p>The host {@link KvCache} is kept as the accounting mirror of the device caches: after a CPU
 * prefill it holds the kept prompt entries as the CPU computed them; after a device prefill it gets
 * the kept positions the device chose with a zero payload, and every decode step appends a zero
 * entry per layer. Its lengths, positions, bytes held, peak bytes and tokens seen therefore read as
 * after a CPU run, without copying K/V back from the device; the K/V the model attends over live
 * only on the device.
 */
public final class TornadoForward implements ForwardBackend, AutoCloseable {
    private static final int MIN_ENTRIES = 128;

    private final ModelConfig c;
    private final ModelWeights weights;
    private final ForwardPass cpu;
    private final float[] invFreq;
    private final int maxNewTokens;
    private final boolean prefillOnDevice;
    private DevicePlan plan;
    private int plansBuilt;
    private int devicePrefills;

    /**
     * @param maxNewTokens decode steps the device caches must hold room for beyond the kept prompt
     */
    public TornadoForward(Model model, int maxNewTokens) {
        this(model, maxNewTokens, false);
    }

    /**
     * @param prefillOnDevice run the prompt on the device too when the cache is float32 and the policy
     *                        is full or SnapKV (without fp16 score rounding); other requests prefill on
     *                        the CPU
     */
    public TornadoForward(Model model, int maxNewTokens, boolean prefillOnDevice) {
        this.prefillOnDevice = prefillOnDevice;
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
        Optional<DeviceSnapKv> snap = DeviceSnapKv.of(policy);
        boolean onDevice = prefillOnDevice && cache.storage().equals(KvStorage.F32)
                && (policy.unwrap() instanceof FullKvPolicy || snap.isPresent());
        float[] logits = onDevice ? null : cpu.prefill(tokens, cache, policy);
        int longest = onDevice ? tokens.length : Arrays.stream(cache.lengths()).flatMapToInt(Arrays::stream).max().orElse(0);
        int entries = longest + maxNewTokens;
        int stored = cache.layout().storedHeads();
        DeviceSnapKv selection = onDevice ? snap.orElse(null) : null;
        if (plan == null || !plan.fits(cache.storage(), stored, entries, selection)) {
            close();
            plan = new DevicePlan(c, weights, invFreq, cache.storage(), stored,
                    Math.max(MIN_ENTRIES, Integer.highestOneBit(entries - 1) << 1), selection);
            plansBuilt++;
        }
        if (onDevice) {
            float[] out = plan.prefill(tokens, selection != null);
            int[][][] kept = plan.keptPositions();
            float[] placeholder = new float[tokens.length * c.kvDim()];
            for (int l = 0; l < c.numLayers(); l++) {
                cache.storePrefill(l, placeholder, placeholder, tokens.length, kept[l]);
            }
            devicePrefills++;
            return out;
        }
        plan.load(cache);
        return logits;
    }

    @Override
    public float[] decode(int token, int position, KvCache cache) {
        if (plan == null) {
            throw new IllegalStateException("decode before prefill");
        }
        float[] logits = plan.step(token, position);
        float[] placeholder = new float[c.kvDim()];
        for (int l = 0; l < c.numLayers(); l++) {
            cache.append(l, position, placeholder, placeholder);
        }
        return logits;
    }

    /** Prefills that ran on the device so far; tests check which path a request took. */
    int devicePrefills() {
        return devicePrefills;
    }

    /** Device plans built so far (each one uploads the weights); tests check that requests reuse one. */
    int plansBuilt() {
        return plansBuilt;
    }

    @Override
    public void close() {
        if (plan != null) {
            plan.close();
            plan = null;
        }
    }
}
