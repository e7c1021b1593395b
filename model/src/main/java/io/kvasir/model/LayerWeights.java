package io.kvasir.model;

import io.kvasir.kernels.WeightMatrix;

/** One decoder layer's weights. Biases are null where the architecture has none. */
public record LayerWeights(
        float[] inputNorm,
        WeightMatrix wq, WeightMatrix wk, WeightMatrix wv, WeightMatrix wo,
        float[] bq, float[] bk, float[] bv,
        float[] postAttentionNorm,
        WeightMatrix wGate, WeightMatrix wUp, WeightMatrix wDown) {}
