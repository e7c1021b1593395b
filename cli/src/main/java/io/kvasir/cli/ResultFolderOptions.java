package io.kvasir.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** `--out DIR` and `--overwrite` of the resumable benchmark commands (needle, ruler, longbench). */
final class ResultFolderOptions {
    @Option(names = "--out", required = true, paramLabel = "DIR",
            description = "Folder for the results. Into a folder holding a run with the same settings (model, method"
                    + " and parameters, KV storage, generation settings, data files; kept in <out>/kvasir-run.json) the"
                    + " run resumes: results already there are kept. Other settings are refused.")
    Path out;

    @Option(names = "--overwrite",
            description = "Remove the results kvasir wrote in --out (only those files) and start over, instead of resuming.")
    boolean overwrite;
}
