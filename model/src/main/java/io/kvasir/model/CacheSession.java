package io.kvasir.model;

import io.kvasir.compression.CompressionConfig;
import io.kvasir.compression.policy.CompressionPolicy;
import io.kvasir.compression.cache.KvCache;
import io.kvasir.compression.policy.KvLayout;
import java.util.Arrays;
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
        KvCache cache = new KvCache(layout, req.kvStorage(), expectedEntries(req, layout));
        CompressionPolicy policy = req.compression().create(layout, req.kvStorage(),
                model.tokenizer().decode(prompt, true), Optional.ofNullable(req.datasetName()));
        return new CacheSession(cache, policy);
    }

    /**
     * Entries a head is expected to hold, which its store is first sized for: sizing a compressed
     * cache for the whole prompt would allocate the uncompressed cache's bytes whatever the budget.
     * The method's own kept count (most over layers) decides; a head that keeps more grows its store.
     */
    private static int expectedEntries(GenerationRequest req, KvLayout layout) {
        CompressionConfig config = req.compression();
        int prompt = req.promptIds().length;
        int kept = Arrays.stream(config.method().keptPrompt(config, layout, config.budget(), prompt)).max().orElse(prompt);
        return Math.min(prompt, kept) + req.maxNewTokens();
    }
}
