package io.kvasir.cli;

import io.kvasir.model.Model;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** `--model DIR`, shared by every command that loads a model. */
public final class ModelOption {
    @Option(names = {"-m", "--model"}, required = true, paramLabel = "DIR",
            description = "Hugging Face model folder: config.json, *.safetensors (or model.safetensors.index.json),"
                    + " tokenizer.json, tokenizer_config.json.")
    Path dir;

    Model load() {
        Activity.set("loading model " + dir);
        Model m = Model.load(dir);
        Activity.set(null); // loaded: the command says what it does next
        return m;
    }
}
