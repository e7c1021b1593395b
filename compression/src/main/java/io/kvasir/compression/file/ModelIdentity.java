package io.kvasir.compression.file;

/**
 * What a cache file must have been made with to be used by a model: its fingerprints (the run metadata's
 * model fingerprint, sha256 of tokenizer.json) and the shape of its KV cache.
 */
public record ModelIdentity(String modelFingerprint, String tokenizerFingerprint, int layers, int kvHeads,
                            int queryHeads, int headDim, int vocabSize) {}
