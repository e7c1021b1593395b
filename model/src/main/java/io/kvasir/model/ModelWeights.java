package io.kvasir.model;

import io.kvasir.kernels.WeightMatrix;
import io.kvasir.kernels.WeightType;
import io.kvasir.safetensors.DType;
import io.kvasir.safetensors.SafetensorsModel;
import io.kvasir.safetensors.Tensor;
import java.util.Arrays;
import java.util.List;

/**
 * Binds the Hugging Face tensor names of a Llama-family checkpoint to typed weight views, checking
 * every shape against config.json before anything runs. Matrices stay memory-mapped in their file
 * dtype; norms and biases (a few KB) are widened to float arrays.
 */
public record ModelWeights(WeightMatrix embedding, List<LayerWeights> layers, float[] finalNorm, WeightMatrix lmHead) {

    public static ModelWeights bind(ModelConfig c, SafetensorsModel st) {
        Binder b = new Binder(st);
        WeightMatrix embedding = b.matrix("model.embed_tokens.weight", c.vocabSize(), c.hiddenSize());
        LayerWeights[] layers = new LayerWeights[c.numLayers()];
        for (int i = 0; i < c.numLayers(); i++) {
            String p = "model.layers." + i + ".";
            layers[i] = new LayerWeights(
                    b.vector(p + "input_layernorm.weight", c.hiddenSize()),
                    b.matrix(p + "self_attn.q_proj.weight", c.qDim(), c.hiddenSize()),
                    b.matrix(p + "self_attn.k_proj.weight", c.kvDim(), c.hiddenSize()),
                    b.matrix(p + "self_attn.v_proj.weight", c.kvDim(), c.hiddenSize()),
                    b.matrix(p + "self_attn.o_proj.weight", c.hiddenSize(), c.qDim()),
                    c.qkvBias() ? b.vector(p + "self_attn.q_proj.bias", c.qDim()) : null,
                    c.qkvBias() ? b.vector(p + "self_attn.k_proj.bias", c.kvDim()) : null,
                    c.qkvBias() ? b.vector(p + "self_attn.v_proj.bias", c.kvDim()) : null,
                    b.vector(p + "post_attention_layernorm.weight", c.hiddenSize()),
                    b.matrix(p + "mlp.gate_proj.weight", c.intermediateSize(), c.hiddenSize()),
                    b.matrix(p + "mlp.up_proj.weight", c.intermediateSize(), c.hiddenSize()),
                    b.matrix(p + "mlp.down_proj.weight", c.hiddenSize(), c.intermediateSize()));
        }
        float[] norm = b.vector("model.norm.weight", c.hiddenSize());
        WeightMatrix lmHead = c.tieWordEmbeddings() && !st.contains("lm_head.weight")
                ? embedding
                : b.matrix("lm_head.weight", c.vocabSize(), c.hiddenSize());
        return new ModelWeights(embedding, List.of(layers), norm, lmHead);
    }

    /** Looks tensors up by name and checks their shapes. */
    private record Binder(SafetensorsModel st) {
        Tensor tensor(String name, long... shape) {
            Tensor t = st.tensor(name);
            if (!Arrays.equals(t.shape(), shape)) {
                throw new ModelFormatException("tensor '" + name + "' in " + t.file().getFileName() + " has shape "
                        + Arrays.toString(t.shape()) + ", config.json implies " + Arrays.toString(shape));
            }
            return t;
        }

        WeightMatrix matrix(String name, int rows, int cols) {
            Tensor t = tensor(name, rows, cols);
            return WeightMatrix.of(weightType(t.dtype()), t.data(), rows, cols);
        }

        float[] vector(String name, int n) {
            Tensor t = tensor(name, n);
            float[] out = new float[n];
            for (int i = 0; i < n; i++) {
                out[i] = t.getFloat(i);
            }
            return out;
        }
    }

    static WeightType weightType(DType d) {
        return switch (d) {
            case F32 -> WeightType.F32;
            case F16 -> WeightType.F16;
            case BF16 -> WeightType.BF16;
        };
    }
}
