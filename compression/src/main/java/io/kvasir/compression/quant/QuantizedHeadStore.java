package io.kvasir.compression.quant;

import io.kvasir.compression.HeadStore;

/** A head store that holds codes: its bytes split the way reports break them down (docs/methods/kivi.md#bytes-per-token). */
public interface QuantizedHeadStore extends HeadStore {
    /** Bytes of codes (K and V). */
    long codeBytes();

    /** Bytes of half-precision scales and zeros (K and V). */
    long metadataBytes();

    /** Bytes of K and V held in half precision beside the codes (residual or generated tokens). */
    long residualBytes();

    /** Bytes of outliers kept apart from the codes. */
    long outlierBytes();

    /** The parts add up to the whole. */
    @Override
    default long bytes() {
        return codeBytes() + metadataBytes() + residualBytes() + outlierBytes();
    }
}
