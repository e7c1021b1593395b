package io.kvasir.model;

import io.kvasir.kernels.WeightMatrix;
import io.kvasir.kernels.WeightType;
import io.kvasir.safetensors.DType;
import io.kvasir.safetensors.SafetensorsModel;
import io.kvasir.safetensors.Tensor;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Binds the Hugging Face tensor names of a Llama-family checkpoint to typed weight views, checking
 * every shape against config.json before anything runs. Matrices stay memory-mapped in their file
 * dtype; norms and biases (a few KB) are widened to float arrays.
 */
public record ModelWeights(WeightMatrix embedding, List<LayerWeights> layers, float[] finalNorm, WeightMatrix lmHead) {

    public static ModelWeights bind(ModelConfig c, SafetensorsModel st) {
        Binder b = new Binder(st);
        WeightMatrix embedding = b.matrix(EMBEDDING, c.vocabSize(), c.hiddenSize());
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
        WeightMatrix lmHead;
        if (c.tieWordEmbeddings()) {
            lmHead = embedding;
            checkTiedCopy(st);
            b.used.add(LM_HEAD);
        } else {
            if (!st.contains(LM_HEAD)) {
                throw new ModelFormatException("config.json has tie_word_embeddings=false but " + st.location()
                        + " has no tensor '" + LM_HEAD + "'");
            }
            lmHead = b.matrix(LM_HEAD, c.vocabSize(), c.hiddenSize());
        }
        checkAllUsed(st, b.used, c);
        return new ModelWeights(embedding, List.of(layers), norm, lmHead);
    }

    private static final String EMBEDDING = "model.embed_tokens.weight";
    private static final String LM_HEAD = "lm_head.weight";

    /**
     * With tied embeddings transformers uses the embedding as lm_head and ignores a stored copy, so a
     * stored copy that differs means the files disagree with config.json about which matrix to use.
     */
    private static void checkTiedCopy(SafetensorsModel st) {
        if (!st.contains(LM_HEAD)) {
            return;
        }
        Tensor head = st.tensor(LM_HEAD);
        Tensor embed = st.tensor(EMBEDDING);
        if (head.dtype() != embed.dtype() || !Arrays.equals(head.shape(), embed.shape())
                || head.data().mismatch(embed.data()) != -1) {
            throw new ModelFormatException("config.json has tie_word_embeddings=true but tensor '" + LM_HEAD + "' in "
                    + head.file().getFileName() + " differs from '" + EMBEDDING + "'");
        }
    }

    /**
     * Every tensor must be one the config accounts for: a layer beyond num_hidden_layers, a bias the
     * config did not ask for or an unknown module would otherwise be silently left out of the math.
     * Rotary inverse-frequency buffers, which old checkpoints store, are recomputed and may stay.
     */
    private static void checkAllUsed(SafetensorsModel st, Set<String> used, ModelConfig c) {
        for (String name : st.names()) {
            if (!used.contains(name) && !name.endsWith(".rotary_emb.inv_freq")) {
                throw new ModelFormatException("tensor '" + name + "' in " + st.tensor(name).file().getFileName()
                        + " is not used by config.json (" + c.architecture() + ", num_hidden_layers=" + c.numLayers()
                        + "); kvasir would ignore it");
            }
        }
    }

    /** Looks tensors up by name, checks their shapes and remembers which were used. */
    private record Binder(SafetensorsModel st, Set<String> used) {
        Binder(SafetensorsModel st) {
            this(st, new HashSet<>());
        }

        Tensor tensor(String name, long... shape) {
            Tensor t = st.tensor(name);
            used.add(name);
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
