package io.kvasir.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kvasir.bench.RunFingerprint;
import io.kvasir.bench.Utf8File;
import io.kvasir.bench.needle.Haystack;
import io.kvasir.bench.needle.NeedleGrid;
import io.kvasir.bench.needle.NeedleRunner;
import io.kvasir.bench.needle.NeedleTask;
import io.kvasir.model.Model;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** `kvasir needle`: needle-in-a-haystack grid with a compressed KV cache, one run or a sweep. */
@Command(name = "needle", mixinStandardHelpOptions = true,
        description = {"Needle-in-a-haystack: for each context length (tokens) and depth (percent) insert the needle"
                + " into the haystack, ask for it (greedy, stop at the newline token) and score the answer: the stored"
                + " score is 10 x ROUGE-1 F against the needle, the heatmap shows the share of the needle's answer words"
                + " in the answer. Writes <out>/cells.jsonl (resumable), summary.json and heatmap.png (overall score in its title).",
            "Comma lists in --method, --budget and --kv-bits sweep every combination, each into <out>/<name>"
                    + " (e.g. snapkv-b128-kv4); 'kvasir compare OUT' tabulates the sweep.",
            "Example: kvasir needle --model DIR --haystack PaulGrahamEssays --min-length 1000 --max-length 8000"
                    + " --step 100 --out needle --methods full,snapkv,windowkv --budgets 128,512 --kv-bits 16,4 --window 32",
            "Re-running into the same --out resumes the run; other settings there are refused (see --overwrite)."})
final class NeedleCommand implements Callable<Integer> {
    @Mixin
    ModelOption model;

    @Option(names = "--haystack", paramLabel = "DIR",
            description = "Folder of .txt files, concatenated in name order (default: a built-in essay text).")
    Path haystack;

    @Option(names = "--needle", paramLabel = "TEXT",
            description = "The sentence hidden in the haystack; \\n stands for a newline (default: the San Francisco"
                    + " sentence of the reference, between newlines). The heatmap looks for its words after a leading"
                    + " restatement of the question (without the question's trailing colon), else for all its words.")
    String needle;

    @Option(names = "--question", paramLabel = "TEXT",
            description = "The question asked after the context; \\n stands for a newline (default: \"The best thing"
                    + " to do in San Francisco is: \").")
    String question;

    @Option(names = "--template", paramLabel = "TEXT",
            description = "The prompt; {context} is replaced by the haystack with the needle, {question} by the"
                    + " question; \\n stands for a newline; tokenized with BOS, no chat template (default: \"<|im_start|>"
                    + " This is a very long story book: <book> {context} </book>.\\n Based on the content of the book,"
                    + " Question: {question}\\nAnswer:\").")
    String template;

    @Option(names = "--min-length", paramLabel = "TOKENS", defaultValue = "1000",
            description = "First context length (default: ${DEFAULT-VALUE}).")
    int minLength;

    @Option(names = "--max-length", paramLabel = "TOKENS", defaultValue = "8000",
            description = "Last context length, included if it lies on the grid (default: ${DEFAULT-VALUE}).")
    int maxLength;

    @Option(names = "--step", paramLabel = "TOKENS", defaultValue = "100",
            description = "Context length step (default: ${DEFAULT-VALUE}).")
    int step;

    @Option(names = "--depths", paramLabel = "PERCENT", split = ",",
            description = "Depths of the needle in percent of the context, as in 'kvasir demo' (default: those of"
                    + " --depth-count).")
    List<Integer> depths;

    @Option(names = "--depth-count", paramLabel = "N",
            description = "N depths, round(linspace(0, 100, N)) percent, as the reference script (default: 10);"
                    + " formerly --depths N, which now lists percents.")
    Integer depthCount;

    @Option(names = "--max-new-tokens", paramLabel = "N", defaultValue = "30",
            description = "Answer length limit (default: ${DEFAULT-VALUE}).")
    int maxNewTokens;

    @Mixin
    ResultFolderOptions results;

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
        if (depths != null && depthCount != null) {
            throw new IllegalArgumentException("give --depths (percents) or --depth-count (how many), not both");
        }
        NeedleGrid grid = NeedleGrid.of(minLength, maxLength, step,
                depths != null ? depths : NeedleGrid.depths(depthCount != null ? depthCount : 10));
        if (minLength <= 200) throw new IllegalArgumentException("--min-length must exceed the 200-token template reserve");
        NeedleTask task = new NeedleTask(text(needle, NeedleTask.DEFAULT.needle()),
                text(question, NeedleTask.DEFAULT.question()), text(template, NeedleTask.DEFAULT.template()));
        WritableCheck.folder(results.out, "--out");
        List<Path> haystackFiles = haystack == null ? List.of() : Haystack.files(haystack);
        Sweep sweep = Sweep.of(model, compression, kvStorage, results.out, 0);
        PrintWriter w = spec.commandLine().getOut();
        try (Model m = model.load()) {
            sweep.check(m);
            ObjectNode generation = Json.object();
            generation.put("max_new_tokens", maxNewTokens);
            generation.put("needle", task.needle());
            generation.put("question", task.question());
            generation.put("template", task.template());
            generation.put("built_in_haystack", haystack == null);
            haystackFiles.forEach(f -> generation.withArray("haystack_files").add(f.getFileName().toString()));
            ObjectNode dataFiles = RunFingerprint.describe(haystackFiles);
            List<ObjectNode> summaries = sweep.run(spec.commandLine().getErr(),
                    () -> haystackFiles.forEach(Utf8File::read), // not UTF-8: FILE:LINE, before any output
                    p -> new RunFingerprint(p.metadata(), generation, dataFiles, NeedleRunner.OUTPUTS),
                    results.overwrite, p -> {
                        NeedleRunner r = new NeedleRunner(m, grid, haystack, p.dir(), task, p.config(), p.storage(),
                                p.metadata(), maxNewTokens);
                        return new Sweep.Job<>(r::pending, r::run);
                    });
            for (int i = 0; i < summaries.size(); i++) {
                ObjectNode s = summaries.get(i);
                w.printf(java.util.Locale.ROOT, "%s: overall score %.4f over %d cells, mean KV %s, %.2f bits per entry at"
                                + " --kv-bits %d; wrote %s%n", sweep.points().get(i).name(), s.get("overall_score").asDouble(),
                        s.get("cells").asInt(), Units.bytes(s.get("mean_kv_bytes").asLong()),
                        s.path("mean_kv_effective_bits").asDouble(), s.get("kv_bits").asInt(), sweep.points().get(i).dir());
            }
        }
        return 0;
    }

    /** The flag's text with \n read as a newline, or the default. */
    private static String text(String flag, String fallback) {
        return flag == null ? fallback : flag.replace("\\n", "\n");
    }
}
