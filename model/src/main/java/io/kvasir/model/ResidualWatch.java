package io.kvasir.model;

/** Sees the residual stream after each decoder layer; {@link NonFiniteLocator} uses it to find a NaN's origin. */
@FunctionalInterface
interface ResidualWatch {
    /** Watches nothing: the normal forward pass. */
    ResidualWatch NONE = (layer, residual) -> {};

    /**
     * @param layer    the layer just finished
     * @param residual the residual stream after it: one hidden-size row per token
     */
    void afterLayer(int layer, float[] residual);
}
