package io.kvasir.model;

import io.kvasir.tokenizer.ChatTemplate;
import io.kvasir.tokenizer.Tokenizer;
import io.kvasir.safetensors.SafetensorsModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A Hugging Face model folder, opened: config, memory-mapped weights, tokenizer and chat template.
 * Close it to release the mappings.
 */
public final class Model implements AutoCloseable {
    private final Path dir;
    private final ModelConfig config;
    private final SafetensorsModel tensors;
    private final ModelWeights weights;
    private final Tokenizer tokenizer;
    private final Optional<ChatTemplate> chatTemplate;
    private final ForwardPass forward;

    private Model(Path dir, ModelConfig config, SafetensorsModel tensors, ModelWeights weights,
                  Tokenizer tokenizer, Optional<ChatTemplate> chatTemplate) {
        this.dir = dir;
        this.config = config;
        this.tensors = tensors;
        this.weights = weights;
        this.tokenizer = tokenizer;
        this.chatTemplate = chatTemplate;
        this.forward = new ForwardPass(config, weights);
    }

    /** Opens DIR; every file is validated before use, and errors name the file. */
    public static Model load(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new ModelFormatException(dir + ": not a model folder (no such directory)");
        }
        ModelConfig config = ModelConfig.load(dir);
        Tokenizer tokenizer = Tokenizer.load(dir);
        Optional<ChatTemplate> template = ChatTemplate.load(dir);
        SafetensorsModel tensors = SafetensorsModel.open(dir);
        try {
            ModelWeights weights = ModelWeights.bind(config, tensors);
            // One NaN or infinity in any weight makes every later number garbage; refusing the model
            // here names the tensor, where a forward pass could only name the layer.
            tensors.checkAllFinite();
            return new Model(dir, config, tensors, weights, tokenizer, template);
        } catch (RuntimeException e) {
            tensors.close();
            throw e;
        }
    }

    public Path dir() {
        return dir;
    }

    public ModelConfig config() {
        return config;
    }

    public SafetensorsModel tensors() {
        return tensors;
    }

    public ModelWeights weights() {
        return weights;
    }

    public Tokenizer tokenizer() {
        return tokenizer;
    }

    public Optional<ChatTemplate> chatTemplate() {
        return chatTemplate;
    }

    public ForwardPass forward() {
        return forward;
    }

    @Override
    public void close() {
        tensors.close();
    }
}
