package io.kvasir.compression.file;

import io.kvasir.compression.cache.HeadStore;
import io.kvasir.compression.cache.KvCache;
import io.kvasir.compression.cache.KvStorage;
import io.kvasir.compression.policy.KvLayout;
import java.lang.foreign.MemorySegment;

/**
 * Every store of a cache saved into one payload and restored from one: what a cache file holds, and
 * how a context cache is copied for each question of a questions file (the copy is restored from the
 * same bytes a file would hold, so a loaded cache and a copied one are made the one way).
 */
final class StoreImages {
    private StoreImages() {}

    /** Saves every store, [layer][stored head], into the writer. */
    static PayloadWriter.SavedHead[][] save(KvCache cache, PayloadWriter out) {
        KvLayout layout = cache.layout();
        PayloadWriter.SavedHead[][] heads = new PayloadWriter.SavedHead[layout.layers()][layout.storedHeads()];
        for (int l = 0; l < heads.length; l++) {
            for (int h = 0; h < heads[l].length; h++) {
                heads[l][h] = out.saveHead(cache.head(l, h));
            }
        }
        return heads;
    }

    /**
     * The cache the saved heads describe, for a sequence of {@code tokensSeen} tokens; every count, section and
     * kept position checked, errors prefixed with {@code where} (the file).
     */
    static KvCache restore(KvLayout layout, KvStorage storage, MemorySegment payload, PayloadWriter.SavedHead[][] heads,
                           int tokensSeen, String where) {
        HeadStore[][] stores = new HeadStore[layout.layers()][layout.storedHeads()];
        for (int l = 0; l < stores.length; l++) {
            for (int h = 0; h < stores[l].length; h++) {
                PayloadReader in = new PayloadReader(payload, heads[l][h], where + ": layer " + l + " head " + h);
                if (heads[l][h].length() < 0 || heads[l][h].length() > tokensSeen) {
                    throw in.invalid(Integer.toUnsignedString(heads[l][h].length()) + " entries for a context of "
                            + tokensSeen + " tokens");
                }
                HeadStore store = storage.restoreStore(l, layout.headDim(), in);
                in.checkAllRead();
                for (int i = 0; i < store.length(); i++) {
                    if (store.position(i) < 0 || store.position(i) >= tokensSeen) {
                        throw in.invalid("entry " + i + " is at position " + store.position(i) + ", outside the "
                                + tokensSeen + "-token context");
                    }
                }
                stores[l][h] = store;
            }
        }
        return KvCache.restored(layout, storage, stores, tokensSeen);
    }

    /** An independent copy of a cache: decode may append to it while the original stays as it was. */
    static KvCache copy(KvCache cache) {
        PayloadWriter out = new PayloadWriter();
        PayloadWriter.SavedHead[][] heads = save(cache, out);
        return restore(cache.layout(), cache.storage(), out.payload(), heads, cache.tokensSeen(), "cache copy");
    }
}
