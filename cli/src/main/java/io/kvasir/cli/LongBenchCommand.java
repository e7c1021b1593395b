package io.kvasir.cli;

import io.kvasir.bench.longbench.LongBenchDataset;
import io.kvasir.bench.longbench.LongBenchRunner;
import io.kvasir.model.Model;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** `kvasir longbench`: generate LongBench predictions with a compressed KV cache. */
@Command(name = "longbench", mixinStandardHelpOptions = true,
        description = {"Run LongBench v1 datasets (official JSONL files: input, context, answers, all_classes, length,"
                + " dataset, _id) with the reference prompt templates, max new tokens and middle truncation; write"
                + " <out>/<dataset>.jsonl predictions (resumable: examples already there are skipped) and <out>/run.json.",
            "Score them with 'kvasir longbench-score --pred OUT'.",
            "Example: kvasir longbench --model DIR --data LongBench/data --datasets qasper,trec --out pred/snapkv"
                    + " --method snapkv --budget 2048"})
final class LongBenchCommand implements Callable<Integer> {
    @Mixin
    ModelOption model;

    @Option(names = "--data", required = true, paramLabel = "DIR", description = "Folder with <dataset>.jsonl files.")
    Path data;

    @Option(names = "--datasets", paramLabel = "A,B", split = ",",
            description = "Datasets to run, by data file name (x_e for LongBench-E) (default: the 16 English ones).")
    List<String> datasets;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Folder for the prediction files.")
    Path out;

    @Option(names = "--max-input-tokens", paramLabel = "TOKENS",
            description = "Prompt limit before middle truncation (default: from the model path as the reference:"
                    + " llama2 3950, llama3 7950, mistral 31500; required for other models).")
    Integer maxInputTokens;

    @Option(names = "--profile", paramLabel = "P", defaultValue = "paper",
            description = "paper: no chat template, EOS stop only (QPruningKV); official: chat template except few-shot"
                    + " and code tasks, samsum stops on newline (LongBench / KVCache-Factory) (default: ${DEFAULT-VALUE}).")
    String profile;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "0",
            description = "Run only the first N examples of each dataset (0: all) (default: ${DEFAULT-VALUE}).")
    int limit;

    @Mixin
    CompressionOptions compression;

    @Mixin
    DebugOption debug;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        BenchRun run = BenchRun.of(model, compression, maxInputTokens, null, 0);
        List<String> names = datasets == null || datasets.isEmpty() ? LongBenchDataset.ENGLISH : datasets;
        for (String n : names) {
            if (LongBenchDataset.byName(n).isEmpty()) throw new IllegalArgumentException("unknown LongBench dataset '" + n + "'");
        }
        try (Model m = model.load()) {
            LongBenchRunner runner = new LongBenchRunner(m, data, out, run.maxInputTokens(), profile, run.config(),
                    run.metadata(), limit);
            for (String n : names) runner.run(n, spec.commandLine().getErr());
        }
        spec.commandLine().getOut().println("wrote predictions to " + out);
        return 0;
    }
}
