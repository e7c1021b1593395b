package io.kvasir.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kvasir.tokenizer.Tokenizer;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** `kvasir tokenize`: text to ids, or ids back to text, with the model's tokenizer.json. */
@Command(name = "tokenize", mixinStandardHelpOptions = true,
        description = {"Turn text into token ids (or ids into text) with the model's tokenizer.json.",
            "Examples:",
            "  kvasir tokenize --model DIR --text 'Hello world'",
            "  kvasir tokenize --model DIR --decode 9906,1917"})
final class TokenizeCommand implements Callable<Integer> {
    @Mixin
    ModelOption model;

    @Mixin
    DebugOption debug;

    @ArgGroup(multiplicity = "1")
    Input input;

    static final class Input {
        @Option(names = "--text", paramLabel = "TEXT", description = "Text to encode.")
        String text;

        @Option(names = "--decode", paramLabel = "IDS", split = ",", description = "Comma-separated token ids to decode.")
        int[] decode;
    }

    @Option(names = "--no-special", description = "Do not add the special tokens the tokenizer adds around text (e.g. BOS).")
    boolean noSpecial;

    @Option(names = "--json", description = "Print one JSON object: ids, tokens (or text).")
    boolean json;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        Tokenizer tok = Tokenizer.load(model.dir);
        var out = spec.commandLine().getOut();
        if (input.decode != null) {
            for (int id : input.decode) {
                if (id < 0 || id >= tok.vocabSize()) {
                    throw new IllegalArgumentException("--decode: token id " + id + " is outside the vocabulary of " + tok.vocabSize());
                }
            }
            String text = tok.decode(input.decode, false);
            if (json) {
                ObjectNode o = Json.object();
                o.set("ids", Json.array(input.decode));
                o.put("text", text);
                out.println(Json.write(o));
            } else {
                out.println(text);
            }
            return 0;
        }
        int[] ids = tok.encode(input.text, !noSpecial);
        if (json) {
            ObjectNode o = Json.object();
            o.set("ids", Json.array(ids));
            ArrayNode tokens = o.putArray("tokens");
            for (int id : ids) {
                tokens.add(tok.token(id));
            }
            out.println(Json.write(o));
        } else {
            out.println(String.join(" ", Arrays.stream(ids).mapToObj(Integer::toString).toList()));
        }
        return 0;
    }
}
