package io.kvasir.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kvasir.compression.budget.ByteBudgetPlanner;
import io.kvasir.compression.CompressionConfig;
import io.kvasir.compression.policy.KvLayout;
import io.kvasir.compression.cache.KvStorage;
import io.kvasir.model.Model;
import io.kvasir.model.ModelConfig;
import io.kvasir.model.PrefillMemory;
import java.io.PrintWriter;

/**
 * What `kvasir inspect --prompt-tokens N` predicts before anything runs: the prefill's arrays
 * ({@link PrefillMemory}), the KV cache after the prefill (per layer and stored head, the tokens the
 * method's registration says it keeps at this budget, an upper bound for WindowKV), and the
 * weight bytes, which the process maps and touches once.
 */
record MemoryPrediction(int promptTokens, long prefillBytes, long kvBytes, long weightBytes) {
    static MemoryPrediction of(Model m, CacheSetup setup, int promptTokens) {
        ModelConfig c = m.config();
        KvLayout layout = setup.layout(m);
        long prefill = PrefillMemory.bytes(c, promptTokens, setup.compression().create(layout));
        CompressionConfig config = setup.compression();
        int[] kept = config.method().keptPrompt(config, layout, config.budget(), promptTokens);
        KvStorage storage = setup.storage();
        long kv = 0;
        for (int l = 0; l < layout.layers(); l++) {
            kv += layout.storedHeads() * ByteBudgetPlanner.headBytes(Math.min(promptTokens, kept[l]), storage.bitsOf(l),
                    layout.headDim(), storage.groupFor(layout.headDim()), storage.residual());
        }
        return new MemoryPrediction(promptTokens, prefill, kv, m.tensors().bytesByDType().values().stream()
                .mapToLong(Long::longValue).sum());
    }

    /** The forward pass's peak: the prefill's arrays while the last layer is compressed, plus every layer's cache. */
    long forwardPeakBytes() {
        return prefillBytes + kvBytes;
    }

    ObjectNode json() {
        ObjectNode o = Json.object();
        o.put("prompt_tokens", promptTokens);
        o.put("prefill_bytes", prefillBytes);
        o.put("kv_bytes", kvBytes);
        o.put("forward_peak_bytes", forwardPeakBytes());
        o.put("weight_bytes", weightBytes);
        o.put("forward_peak_plus_weights_bytes", forwardPeakBytes() + weightBytes);
        return o;
    }

    void print(PrintWriter out) {
        out.printf("prefill of %d tokens: %s forward-pass peak (%s activations and scratch, %s KV cache);"
                        + " %s with the weights, plus the JVM's own%n", promptTokens, Units.bytes(forwardPeakBytes()),
                Units.bytes(prefillBytes), Units.bytes(kvBytes), Units.bytes(forwardPeakBytes() + weightBytes));
    }
}
