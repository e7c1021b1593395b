package io.kvasir.tornado;

import io.kvasir.model.ModelConfig;
import io.kvasir.model.ModelWeights;
import java.util.ArrayList;
import java.util.List;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/**
 * The arrays the graphs of a {@link DevicePlan} share. The host fills the small int arrays before an
 * execution (the token and position of a decode step; a prompt, its length and SnapKV's candidate
 * count for a prefill); the activations x (decode) and promptX (prefill, [rows][hidden]) pass from
 * graph to graph on the device; only the logits come back.
 */
final class PlanBuffers {
    final IntArray token = new IntArray(1);
    final IntArray position = new IntArray(1);
    final IntArray promptLength = IntArray.fromElements(1);
    final IntArray candidates = IntArray.fromElements(0);
    final IntArray promptTokens;
    final FloatArray x;
    final FloatArray promptX;
    final FloatArray logits;
    /** The embedding table, also the lm head when {@link #tied}. */
    final DeviceWeights embedding;
    final boolean tied;
    /** Whether the plan has prefill graphs, which then run over {@link #rows} padded prompt rows. */
    final boolean prefills;
    final int rows;

    PlanBuffers(ModelConfig c, ModelWeights weights, boolean prefills, int rows) {
        this.prefills = prefills;
        this.rows = rows;
        x = new FloatArray(c.hiddenSize());
        promptX = new FloatArray(prefills ? rows * c.hiddenSize() : 1);
        promptTokens = new IntArray(prefills ? rows : 1);
        promptTokens.init(0);
        logits = new FloatArray(c.vocabSize());
        embedding = DeviceWeights.of(weights.embedding());
        tied = weights.lmHead() == weights.embedding();
    }

    /**
     * Objects the graphs of layer l pass along besides x and the position: the embedding table when
     * the lm head is tied (for the logits graph) or, for layer 0, when prefill graph 0 needs it; and
     * the prompt activations for prefill graph l (see {@link DevicePlan}).
     */
    Object[] carried(int l) {
        List<Object> objects = new ArrayList<>();
        if (tied || (prefills && l == 0)) {
            objects.add(embedding.array());
        }
        if (prefills && l > 0) {
            objects.add(promptX);
        }
        return objects.toArray();
    }
}
