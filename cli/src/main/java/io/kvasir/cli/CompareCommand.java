package io.kvasir.cli;

import io.kvasir.bench.AtomicFile;
import io.kvasir.bench.ResultTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** `kvasir compare`: a markdown table of several runs' scores. */
@Command(name = "compare", mixinStandardHelpOptions = true,
        description = {"Print a markdown table comparing result files (longbench-score / ruler result.json, needle"
                + " summary.json), folders holding one, or sweep folders (needle / longbench / ruler --out with lists of"
                + " methods, budgets, KV bits): one row per run with its method, budget, KV bits and mean KV bytes held"
                + " per sequence, one column per dataset or task, then Avg (plain mean of the row's scores).",
            "Example: kvasir compare needle-sweep",
            "Example: kvasir compare pred/full pred/snapkv-128 pred/h2o-128"})
final class CompareCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "RESULT", description = "Result files or folders.")
    List<Path> results;

    @Option(names = "--out", paramLabel = "FILE", description = "Also write the table to FILE.")
    Path out;

    @Mixin
    DebugOption debug;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        for (Path p : results) if (!Files.exists(p)) throw new IllegalArgumentException(p + ": not found");
        if (out != null) WritableCheck.file(out, "--out");
        String table = ResultTable.markdown(results.stream().flatMap(p -> ResultTable.read(p).stream()).toList(),
                Units::bytes);
        spec.commandLine().getOut().print(table);
        spec.commandLine().getOut().flush(); // print() does not flush an autoflush writer; main exits right after
        if (out != null) AtomicFile.write(out, table.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return 0;
    }
}
