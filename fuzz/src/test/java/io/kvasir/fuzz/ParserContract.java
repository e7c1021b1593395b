package io.kvasir.fuzz;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The property every fuzzer checks: a parser given arbitrary bytes either returns a value or throws
 * its own format exception with a one-line message. Any other exception propagates to Jazzer as a
 * finding; a hang is caught by the per-input {@code @Timeout}.
 */
final class ParserContract {
    private ParserContract() {}

    /** Runs the parse; accepts only the given exception type, and only with a non-blank one-line message. */
    static void parse(Class<? extends RuntimeException> formatException, Runnable parse) {
        try {
            parse.run();
        } catch (RuntimeException e) {
            if (!formatException.isInstance(e)) {
                throw e;
            }
            String message = e.getMessage();
            if (message == null || message.isBlank() || message.contains("\n")) {
                throw new AssertionError("the error message is not one line: " + message, e);
            }
        }
    }

    /** A scratch folder for this fuzzer's files, made once per JVM (each fuzz class runs in its own). */
    static Path scratch() {
        try {
            Path dir = Files.createTempDirectory("kvasir-fuzz");
            dir.toFile().deleteOnExit();
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void write(Path file, byte[] bytes) {
        try {
            Files.write(file, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
