package io.kvasir.model;

import io.kvasir.compression.policy.CompressionPolicy;
import io.kvasir.compression.cache.KvCache;
import io.kvasir.compression.policy.KvLayout;
import java.util.Optional;

/**
 * A fresh KV cache and compression policy for one request, built the one way generation builds them,
 * so that a diagnostic replay ({@link NonFiniteLocator}) computes exactly what the run computed.
 */
record CacheSession(KvCache cache, CompressionPolicy policy) {

    static CacheSession of(Model model, GenerationRequest req) {
        ModelConfig c = model.config();
        int[] prompt = req.promptIds();
        KvLayout layout = req.compression().layoutFor(c.numLayers(), c.numKvHeads(), c.numHeads(), c.headDim());
        KvCache cache = new KvCache(layout, req.kvStorage(), prompt.length + req.maxNewTokens());
        CompressionPolicy policy = req.compression().create(layout, req.kvStorage(),
                model.tokenizer().decode(prompt, true), Optional.ofNullable(req.datasetName()));
        return new CacheSession(cache, policy);
    }
}
