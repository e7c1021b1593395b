package io.kvasir.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point: `kvasir <command> [options]`. */
@Command(name = "kvasir",
        mixinStandardHelpOptions = true,
        versionProvider = Version.class,
        description = {
            "Pure-Java LLM inference with a small KV cache.",
            "Runs Llama-3 / Mistral / Qwen2 models from Hugging Face folders (config.json, *.safetensors,"
                    + " tokenizer.json) on the CPU (Vector API)."},
        subcommands = {GenerateCommand.class, PrefillCommand.class, TokenizeCommand.class, InspectCommand.class, BenchCommand.class,
            DemoCommand.class, LongBenchCommand.class, LongBenchScoreCommand.class, NeedleCommand.class, RulerCommand.class,
            CompareCommand.class, KeptCommand.class,
            CommandLine.HelpCommand.class},
        footer = {"", "Run 'kvasir <command> --help' for the options of a command.",
            "Exit codes: 0 success, 2 bad input (file, flag or model), 1 internal error."})
public final class KvasirCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static void main(String[] args) {
        LauncherStderr.restore();
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs the CLI with the given streams; returns the exit code (used by tests too). */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cli = new CommandLine(new KvasirCommand());
        cli.setOut(out);
        cli.setErr(err);
        cli.setParameterExceptionHandler(Errors::onBadFlag);
        cli.setExecutionExceptionHandler(Errors::onFailure);
        try {
            return cli.execute(args);
        } catch (OutOfMemoryError e) {
            return Errors.onOutOfMemory(cli, err);
        } finally {
            Activity.set(null);
        }
    }
}
