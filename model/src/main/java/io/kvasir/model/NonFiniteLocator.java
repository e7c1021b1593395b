package io.kvasir.model;

import java.util.List;
import java.util.Optional;

/**
 * Explains non-finite logits. Checking the residual stream after every layer on every step would
 * cost little but would be paid by every run; instead the generator checks only the logits, and when
 * they are not finite this class replays the same steps on the CPU, deterministically, with a watch
 * after every layer, and names the first layer whose output is not finite.
 */
final class NonFiniteLocator {
    private NonFiniteLocator() {}

    /** Thrown by the watch to stop the replay at the first non-finite layer output. */
    private static final class Found extends RuntimeException {
        final int layer;

        Found(int layer) {
            super(null, null, false, false);
            this.layer = layer;
        }
    }

    /**
     * @param done the ids whose decode steps ran before the failing step (empty: prefill failed)
     * @return the one-line error naming the model, the step and the first layer with non-finite output
     */
    static ModelFormatException explain(Model model, GenerationRequest req, List<Integer> done) {
        String step = done.isEmpty() ? "prefill" : "decode step " + done.size();
        String where = firstBadLayer(model, req, done)
                .map(l -> "the residual stream is first non-finite after layer " + l + " of " + model.config().numLayers())
                .orElse("every layer's output is finite, the final norm and lm_head overflow");
        return new ModelFormatException(model.dir() + ": the logits are not finite at " + step + ": " + where
                + "; the weights are finite, so the model overflows float32 on this input");
    }

    private static Optional<Integer> firstBadLayer(Model model, GenerationRequest req, List<Integer> done) {
        ModelConfig c = model.config();
        ForwardPass watched = new ForwardPass(c, model.weights(), (layer, x) -> {
            for (float v : x) {
                if (!Float.isFinite(v)) {
                    throw new Found(layer);
                }
            }
        });
        int[] prompt = req.promptIds();
        CacheSession session = CacheSession.of(model, req);
        try {
            watched.prefill(prompt, session.cache(), session.policy());
            for (int i = 0; i < done.size(); i++) {
                watched.decode(done.get(i), prompt.length + i, session.cache());
            }
        } catch (Found f) {
            return Optional.of(f.layer);
        }
        return Optional.empty();
    }
}
