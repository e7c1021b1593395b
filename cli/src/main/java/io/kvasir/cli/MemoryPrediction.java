package io.kvasir.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kvasir.compression.ByteBudgetPlanner;
import io.kvasir.compression.CompressionMethod;
import io.kvasir.compression.KvLayout;
import io.kvasir.compression.KvStorage;
import io.kvasir.model.Model;
import io.kvasir.model.ModelConfig;
import io.kvasir.model.PrefillMemory;
import java.io.PrintWriter;

/**
 * What `kvasir inspect --prompt-tokens N` predicts before anything runs: the prefill's arrays
 * ({@link PrefillMemory}), the KV cache after the prefill (per layer and stored head, the budget's
 * tokens, or the prompt's for full; PyramidKV's and WindowKV's layers share the same total), and the
 * weight bytes, which the process maps and touches once.
 */
record MemoryPrediction(int promptTokens, long prefillBytes, long kvBytes, long weightBytes) {
    static MemoryPrediction of(Model m, CacheSetup setup, int promptTokens) {
        ModelConfig c = m.config();
        KvLayout layout = setup.layout(m);
        long prefill = PrefillMemory.bytes(c, promptTokens, setup.compression().create(layout));
        int kept = setup.compression().method() == CompressionMethod.FULL ? promptTokens
                : Math.min(promptTokens, setup.compression().budget());
        KvStorage storage = setup.storage();
        long kv = 0;
        for (int l = 0; l < layout.layers(); l++) {
            kv += layout.storedHeads() * ByteBudgetPlanner.headBytes(kept, storage.bitsOf(l), layout.headDim(),
                    storage.group(), storage.residual());
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
