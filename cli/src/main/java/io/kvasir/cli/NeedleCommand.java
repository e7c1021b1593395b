package io.kvasir.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kvasir.bench.RunMetadata;
import io.kvasir.bench.needle.NeedleGrid;
import io.kvasir.bench.needle.NeedleRunner;
import io.kvasir.compression.CompressionConfig;
import io.kvasir.model.Model;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** `kvasir needle`: needle-in-a-haystack grid with a compressed KV cache. */
@Command(name = "needle", mixinStandardHelpOptions = true,
        description = {"Needle-in-a-haystack: for each context length (tokens) and depth (percent) insert the San Francisco"
                + " needle into the haystack, ask for it (greedy, stop at newline) and score the answer by the share of"
                + " the 11 needle words it contains. Writes <out>/cells.jsonl (resumable), summary.json and heatmap.png.",
            "Example: kvasir needle --model DIR --haystack PaulGrahamEssays --min-length 1000 --max-length 8000"
                    + " --step 100 --out needle/snapkv --method snapkv --budget 128 --window 32"})
final class NeedleCommand implements Callable<Integer> {
    @Mixin
    ModelOption model;

    @Option(names = "--haystack", paramLabel = "DIR",
            description = "Folder of .txt files, concatenated in name order (default: a built-in essay text).")
    Path haystack;

    @Option(names = "--min-length", paramLabel = "TOKENS", defaultValue = "1000",
            description = "First context length (default: ${DEFAULT-VALUE}).")
    int minLength;

    @Option(names = "--max-length", paramLabel = "TOKENS", defaultValue = "8000",
            description = "Last context length, included if it lies on the grid (default: ${DEFAULT-VALUE}).")
    int maxLength;

    @Option(names = "--step", paramLabel = "TOKENS", defaultValue = "100",
            description = "Context length step (default: ${DEFAULT-VALUE}).")
    int step;

    @Option(names = "--depths", paramLabel = "N", defaultValue = "10",
            description = "Number of depths, round(linspace(0, 100, N)) percent (default: ${DEFAULT-VALUE}).")
    int depths;

    @Option(names = "--max-new-tokens", paramLabel = "N", defaultValue = "30",
            description = "Answer length limit (default: ${DEFAULT-VALUE}).")
    int maxNewTokens;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Folder for the results.")
    Path out;

    @Mixin
    CompressionOptions compression;

    @Mixin
    DebugOption debug;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        CompressionConfig config = compression.config();
        NeedleGrid grid = NeedleGrid.of(minLength, maxLength, step, depths);
        if (minLength <= 200) throw new IllegalArgumentException("--min-length must exceed the 200-token template reserve");
        try (Model m = model.load()) {
            ObjectNode meta = RunMetadata.of(model.dir, config, Version.get(), 0);
            ObjectNode summary = new NeedleRunner(m, grid, haystack, out, config, meta, maxNewTokens)
                    .run(spec.commandLine().getErr());
            spec.commandLine().getOut().printf("overall score %.4f over %d cells; wrote %s%n",
                    summary.get("overall_score").asDouble(), summary.get("cells").asInt(), out);
        }
        return 0;
    }
}
