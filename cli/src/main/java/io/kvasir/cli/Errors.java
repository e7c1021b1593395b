package io.kvasir.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import picocli.CommandLine;

/**
 * Turns failures into one line and an exit code: 2 for bad input (a flag, a file, a model), 1 for
 * anything unexpected. Stack traces only with --debug.
 */
final class Errors {
    static final int BAD_INPUT = 2;
    static final int INTERNAL = 1;

    private Errors() {}

    static int onBadFlag(CommandLine.ParameterException e, String[] args) {
        CommandLine cmd = e.getCommandLine();
        String name = cmd.getCommandSpec().qualifiedName();
        cmd.getErr().println(name + ": " + e.getMessage() + " (see '" + name + " --help')");
        if (DebugOption.enabled(args)) {
            e.printStackTrace(cmd.getErr());
        }
        return BAD_INPUT;
    }

    static int onFailure(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
        boolean debug = parsed.matchedOption("--debug") != null
                || (parsed.hasSubcommand() && parsed.subcommand().matchedOption("--debug") != null);
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof OutOfMemoryError) return onOutOfMemory(cmd, cmd.getErr()); // from a worker thread
        }
        String name = cmd.getCommandSpec().qualifiedName();
        int code = isBadInput(e) ? BAD_INPUT : INTERNAL;
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (e instanceof NoSuchFileException nsf) {
            message = nsf.getFile() + ": file not found";
        }
        if (code == INTERNAL) {
            message = "internal error: " + e + (debug ? "" : " (run again with --debug for the stack trace)");
        }
        cmd.getErr().println(name + ": " + message.lines().findFirst().orElse(""));
        if (debug) {
            e.printStackTrace(cmd.getErr());
        }
        return code;
    }

    /**
     * Out of memory as one line: what was being done, the heap limit, and how to raise it. The stack has unwound by
     * now, so the model and caches are unreachable and this little work fits in the freed heap.
     */
    static int onOutOfMemory(CommandLine cli, java.io.PrintWriter err) {
        CommandLine.ParseResult parsed = cli.getParseResult();
        String name = parsed != null && parsed.hasSubcommand()
                ? parsed.subcommand().commandSpec().qualifiedName() : cli.getCommandSpec().qualifiedName();
        String what = Activity.get() != null ? Activity.get() : "running";
        long max = Runtime.getRuntime().maxMemory();
        long suggestGiB = Math.max(2, 2 * ((max + (1L << 30) - 1) >> 30));
        err.println(name + ": out of memory while " + what + " (max heap " + Units.bytes(max)
                + "); raise it with KVASIR_JAVA_OPTS=-Xmx" + suggestGiB + "g");
        return INTERNAL;
    }

    private static boolean isBadInput(Throwable e) {
        return e instanceof IllegalArgumentException || e instanceof IOException || e instanceof UncheckedIOException;
    }
}
