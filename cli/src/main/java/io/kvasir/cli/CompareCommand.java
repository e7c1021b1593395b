package io.kvasir.cli;

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
                + " summary.json, or folders holding them): one row per run, one column per dataset, then Avg.",
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
        String table = ResultTable.markdown(results.stream().map(ResultTable::read).toList());
        spec.commandLine().getOut().print(table);
        if (out != null) Files.writeString(out, table);
        return 0;
    }
}
