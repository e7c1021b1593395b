package io.kvasir.compression.cache;

/**
 * Where a {@link HeadStore} saves itself ({@link HeadStore#save}): its counts, then its arrays in a fixed
 * order, each as the first {@code n} elements of a heap array. The cache file writes them as payload
 * sections; {@link StoreSource} hands them back in the same order.
 */
public interface StoreSink {
    /** Entries held, entries held as codes, KVQuant outliers; called once, before any array. */
    void counts(int length, int coded, int outliers);

    void ints(int[] a, int n);

    void shorts(short[] a, int n);

    void bytes(byte[] a, int n);

    void floats(float[] a, int n);
}
