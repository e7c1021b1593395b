package io.kvasir.compression.file;

import io.kvasir.compression.cache.KvCache;
import java.util.Map;

/**
 * A compressed context: its token ids, how it was compressed (the method and every parameter by name,
 * for reports) and the cache holding it, which decode may not touch: answer from {@link #copy}.
 */
public record SavedContext(int[] contextIds, String method, Map<String, String> parameters, KvCache cache) {
    /** A cache to answer one question from: appending to it leaves this context as it was. */
    public KvCache copy() {
        return StoreImages.copy(cache);
    }
}
