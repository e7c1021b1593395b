package io.kvasir.cli;

import picocli.CommandLine.Option;

/** `--debug`, shared by every command: show stack traces of failures. */
public final class DebugOption {
    @Option(names = "--debug", description = "Print the stack trace of a failure.")
    boolean debug;

    static boolean enabled(String[] args) {
        for (String a : args) {
            if (a.equals("--debug")) {
                return true;
            }
        }
        return false;
    }
}
