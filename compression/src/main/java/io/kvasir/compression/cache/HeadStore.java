package io.kvasir.compression.cache;

/**
 * The keys and values one stored head keeps in one layer, with the original position of each
 * entry. Attention reads it only through {@link #scores} and {@link #accumulateValues}, so that a
 * store can keep its own encoding (16-bit, quantized) and decode inside those loops.
 */
public interface HeadStore {
    /** Number of entries held. */
    int length();

    /** Original (absolute) position of entry i. */
    int position(int i);

    /** Appends one entry: key from k[kOff, kOff+headDim), value from v[vOff, ...). */
    void append(int position, float[] k, int kOff, float[] v, int vOff);

    /** out[i] = scale * (q . key_i) for every entry i. */
    void scores(float[] q, int qOff, float scale, float[] out);

    /** out[outOff + d] += sum over i of p[i] * value_i[d]. */
    void accumulateValues(float[] p, float[] out, int outOff);

    /** Key of entry i widened to float32 (tests, kept maps). */
    void readKey(int i, float[] out, int outOff);

    /** Value of entry i widened to float32. */
    void readValue(int i, float[] out, int outOff);

    /** Bytes this store holds for its entries (payload and positions). */
    long bytes();

    /**
     * Writes everything this store holds (positions, payload, counts) so that the store
     * {@link KvStorage#restoreStore} makes from it scores, accumulates and appends exactly as this one.
     */
    void save(StoreSink out);
}
