package io.kvasir.compression.cache;

/**
 * What a saved {@link HeadStore} is restored from ({@link KvStorage#restoreStore}): the counts it saved and
 * its arrays in the order it wrote them. Each call takes the next array and must find exactly {@code n}
 * elements there, else it throws {@link IllegalArgumentException} naming the head: the counts come from
 * an untrusted file, so a store checks them against its shape before asking for arrays sized by them.
 */
public interface StoreSource {
    int length();

    int coded();

    int outliers();

    int[] ints(long n);

    short[] shorts(long n);

    byte[] bytes(long n);

    float[] floats(long n);

    /** An error about this head ("layer 3 head 1: ..."), for a store that finds its counts inconsistent. */
    IllegalArgumentException invalid(String problem);
}
