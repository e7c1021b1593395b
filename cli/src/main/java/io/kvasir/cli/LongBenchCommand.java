package io.kvasir.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kvasir.bench.RunFingerprint;
import io.kvasir.bench.longbench.LongBenchDataset;
import io.kvasir.bench.longbench.LongBenchRunner;
import io.kvasir.bench.longbench.ReferenceProfile;
import io.kvasir.model.Model;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** `kvasir longbench`: generate LongBench predictions with a compressed KV cache, one run or a sweep. */
@Command(name = "longbench", mixinStandardHelpOptions = true,
        description = {"Run LongBench v1 datasets (official JSONL files: input, context, answers, all_classes, length,"
                + " dataset, _id) with the reference prompt templates, max new tokens and middle truncation; write"
                + " <out>/<dataset>.jsonl predictions (resumable: examples already there are skipped) and <out>/run.json"
                + " (run metadata; mean KV bytes and timings once the run ends).",
            "Comma lists in --method, --budget and --kv-bits sweep every combination, each into <out>/<name>"
                    + " (e.g. snapkv-b128-kv4). Score with 'kvasir longbench-score --pred OUT', then 'kvasir compare OUT'.",
            "Every data line must be a JSON object with input, context and answers: a broken line stops the run naming"
                    + " FILE:LINE.",
            "Re-running into the same --out resumes the run; other settings there are refused (see --overwrite).",
            "Example: kvasir longbench --model DIR --data LongBench/data --datasets qasper,trec --out pred"
                    + " --methods snapkv,windowkv --budgets 128,512 --kv-bits 16,4"})
final class LongBenchCommand implements Callable<Integer> {
    @Mixin
    ModelOption model;

    @Option(names = "--data", required = true, paramLabel = "DIR", description = "Folder with <dataset>.jsonl files.")
    Path data;

    @Option(names = "--datasets", paramLabel = "A,B", split = ",",
            description = "Datasets to run, by data file name (x_e for LongBench-E) (default: the 16 English ones).")
    List<String> datasets;

    @Mixin
    ResultFolderOptions results;

    @Option(names = "--max-input-tokens", paramLabel = "TOKENS",
            description = "Prompt limit before middle truncation (default: from the model path as the --profile's"
                    + " repository: llama2 3950, llama3 7950 (paper) or 7500 (official), mistral 31500; required for"
                    + " other models).")
    Integer maxInputTokens;

    @Option(names = "--profile", paramLabel = "P", defaultValue = "paper",
            description = "paper: no chat template, EOS stop only, QPruningKV's input limits; official: chat template"
                    + " except few-shot and code tasks, samsum stops on the newline token, KVCache-Factory's input limits"
                    + " (default: ${DEFAULT-VALUE}).")
    String profile;

    @Option(names = "--max-new-tokens", paramLabel = "N",
            description = "Answer length limit of every dataset (default: each dataset's reference value, LongBench's"
                    + " dataset2maxlen: 32 to 512).")
    Integer maxNewTokens;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "0",
            description = "Run only the first N examples of each dataset (0: all) (default: ${DEFAULT-VALUE}).")
    int limit;

    @Mixin
    CompressionOptions compression;

    @Mixin
    KvStorageOptions kvStorage;

    @Mixin
    DebugOption debug;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        InputLimit inputLimit = InputLimit.resolve(model, maxInputTokens, null, ReferenceProfile.of(profile));
        List<String> names = datasets == null || datasets.isEmpty() ? LongBenchDataset.ENGLISH : datasets;
        for (String n : names) {
            if (LongBenchDataset.byName(n).isEmpty()) throw new IllegalArgumentException("unknown LongBench dataset '" + n + "'");
        }
        WritableCheck.folder(results.out, "--out");
        Sweep sweep = Sweep.of(model, compression, kvStorage, results.out, 0);
        try (Model m = model.load()) {
            sweep.check(m);
            ObjectNode generation = Json.object();
            if (maxNewTokens == null) generation.putNull("max_new_tokens"); else generation.put("max_new_tokens", maxNewTokens);
            generation.put("max_input_tokens", inputLimit.tokens());
            generation.put("profile", profile);
            List<String> outputs = new ArrayList<>(names.stream().map(n -> n + ".jsonl").toList());
            outputs.addAll(List.of("run.json", "result.json"));
            ObjectNode dataFiles = RunFingerprint.describe(
                    names.stream().map(n -> data.resolve(n + ".jsonl")).filter(Files::isRegularFile).toList());
            sweep.run(spec.commandLine().getErr(), () -> LongBenchRunner.validate(data, names),
                    p -> new RunFingerprint(p.metadata(), generation, dataFiles, outputs), results.overwrite, p -> {
                        LongBenchRunner r = new LongBenchRunner(m, data, p.dir(), inputLimit.tokens(), profile,
                                p.config(), p.storage(), inputLimit.record(p.metadata()), limit, maxNewTokens);
                        return new Sweep.Job<>(() -> r.pending(names), done -> {
                            r.runAll(names, done);
                            return p.dir();
                        });
                    });
        }
        for (Sweep.Point p : sweep.points()) spec.commandLine().getOut().println("wrote predictions to " + p.dir());
        return 0;
    }
}
