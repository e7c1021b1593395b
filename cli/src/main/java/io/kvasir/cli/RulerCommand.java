package io.kvasir.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kvasir.bench.AtomicFile;
import io.kvasir.bench.RunFingerprint;
import io.kvasir.bench.longbench.ReferenceProfile;
import io.kvasir.bench.ruler.RulerGenerator;
import io.kvasir.bench.ruler.RulerRunner;
import io.kvasir.model.Model;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** `kvasir ruler`: pre-generated RULER tasks scored with string_match_all, one run or a sweep. */
@Command(name = "ruler", mixinStandardHelpOptions = true,
        description = {"Run pre-generated RULER tasks (<data>/<task>.jsonl lines: index, input, outputs, length): the input"
                + " as is with BOS, greedy, 64 new tokens (--max-new-tokens); write <out>/<task>.jsonl (resumable) and <out>/result.json"
                + " with string_match_all scores x100, run metadata, mean KV bytes and timings.",
            "Comma lists in --method, --budget and --kv-bits sweep every combination, each into <out>/<name>"
                    + " (e.g. snapkv-b128-kv4); 'kvasir compare OUT' tabulates the sweep.",
            "Every data line must be a JSON object with input and outputs: a broken line stops the run naming FILE:LINE."
                    + " A task with no examples scores null, with a note in result.json.",
            "Re-running into the same --out resumes the run; other settings there are refused (see --overwrite).",
            "Example: kvasir ruler --model DIR --data RULER/4096 --tasks niah_single_1,vt --out ruler/snapkv --method snapkv"})
final class RulerCommand implements Callable<Integer> {
    static final List<String> TASKS = List.of("niah_single_1", "niah_single_2", "niah_single_3", "niah_multikey_1",
            "niah_multikey_2", "niah_multikey_3", "niah_multivalue", "niah_multiquery", "vt", "cwe", "fwe");

    @Mixin
    ModelOption model;

    @Option(names = "--data", required = true, paramLabel = "DIR", description = "Folder with <task>.jsonl files.")
    Path data;

    @Option(names = "--tasks", paramLabel = "A,B", split = ",", description = "Tasks to run (default: the 11 of the reference).")
    List<String> tasks;

    @Mixin
    ResultFolderOptions results;

    @Option(names = "--max-input-tokens", paramLabel = "TOKENS",
            description = "Middle-truncation limit (default: from the model path as the --profile's repository, as"
                    + " longbench; else 1000000, no truncation).")
    Integer maxInputTokens;

    @Option(names = "--profile", paramLabel = "P", defaultValue = "paper",
            description = "Whose input limits: paper (QPruningKV run_ruler.py: llama3 7950) or official"
                    + " (KVCache-Factory run_ruler.py: llama3 7500) (default: ${DEFAULT-VALUE}).")
    String profile;

    @Option(names = "--max-new-tokens", paramLabel = "N", defaultValue = "" + RulerRunner.MAX_NEW_TOKENS,
            description = "Answer length limit (default: ${DEFAULT-VALUE}, the reference's for every RULER task).")
    int maxNewTokens;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "0",
            description = "Run only the first N examples of each task (0: all) (default: ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = "--generate-length", paramLabel = "TOKENS",
            description = "First write RULER-style <task>.jsonl files of this many tokens into --data, sized as RULER"
                    + " does (input without special tokens plus tokens_to_generate: niah 128, vt 30, cwe 120, fwe 50),"
                    + " with RULER's templates (niah_*, vt, cwe, fwe; not identical to RULER's pre-generated data).")
    Integer generateLength;

    @Option(names = "--samples", paramLabel = "N", defaultValue = "20",
            description = "Examples per generated task (default: ${DEFAULT-VALUE}).")
    int samples;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "42",
            description = "Seed of the generator (default: ${DEFAULT-VALUE}).")
    long seed;

    @Mixin
    CompressionOptions compression;

    @Mixin
    KvStorageOptions kvStorage;

    @Mixin
    DebugOption debug;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        InputLimit inputLimit = InputLimit.resolve(model, maxInputTokens, 1_000_000, ReferenceProfile.of(profile));
        List<String> names = tasks == null || tasks.isEmpty() ? TASKS : tasks;
        if (maxNewTokens < 1) throw new IllegalArgumentException("--max-new-tokens must be at least 1");
        WritableCheck.folder(results.out, "--out");
        if (generateLength != null) WritableCheck.folder(data, "--data");
        Sweep sweep = Sweep.of(model, compression, kvStorage, results.out, seed);
        try (Model m = model.load()) {
            sweep.check(m);
            if (generateLength != null) generate(m, names);
            ObjectNode generation = Json.object();
            generation.put("max_new_tokens", maxNewTokens);
            generation.put("max_input_tokens", inputLimit.tokens());
            List<String> outputs = new ArrayList<>(names.stream().map(t -> t + ".jsonl").toList());
            outputs.add("result.json");
            ObjectNode dataFiles = RunFingerprint.describe(
                    names.stream().map(t -> data.resolve(t + ".jsonl")).filter(Files::isRegularFile).toList());
            List<ObjectNode> scores = sweep.run(spec.commandLine().getErr(), () -> RulerRunner.validate(data, names),
                    p -> new RunFingerprint(p.metadata(), generation, dataFiles, outputs), results.overwrite, p -> {
                        RulerRunner r = new RulerRunner(m, data, p.dir(), inputLimit.tokens(), p.config(), p.storage(),
                                inputLimit.record(p.metadata()), limit, maxNewTokens);
                        return new Sweep.Job<>(() -> r.pending(names), done -> r.runAll(names, done));
                    });
            var w = spec.commandLine().getOut();
            for (int i = 0; i < scores.size(); i++) {
                Sweep.Point p = sweep.points().get(i);
                if (scores.size() > 1) w.println(p.name() + ":");
                for (String t : names) {
                    JsonNode score = scores.get(i).get(t);
                    w.println(score.isNumber() ? String.format(Locale.ROOT, "%-18s %6.2f", t, score.asDouble())
                            : String.format(Locale.ROOT, "%-18s %6s (no examples)", t, "-"));
                }
                w.println("wrote " + p.dir().resolve("result.json"));
            }
        }
        return 0;
    }

    private void generate(Model m, List<String> names) throws java.io.IOException {
        for (String t : names) {
            if (!RulerGenerator.canGenerate(t)) {
                throw new IllegalArgumentException("kvasir cannot generate RULER task '" + t + "' ("
                        + RulerGenerator.GENERATED + " only)");
            }
        }
        Files.createDirectories(data);
        RulerGenerator g = new RulerGenerator(m.tokenizer(), seed, io.kvasir.bench.needle.Haystack.builtIn());
        for (String t : names) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < samples; i++) {
                sb.append(Json.MAPPER.copy().disable(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT)
                        .writeValueAsString(g.example(t, i, generateLength))).append('\n');
            }
            AtomicFile.write(data.resolve(t + ".jsonl"), sb.toString().getBytes(StandardCharsets.UTF_8));
            spec.commandLine().getErr().printf("generated %d %s examples of %d tokens in %s%n", samples, t, generateLength, data);
        }
    }
}
