package io.kvasir.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Writes every output file through a temporary sibling renamed over it, so an interrupted run or a full disk never
 * leaves half a file (or a 0-byte image) under the real name; a failure is one line naming the file.
 */
public final class AtomicFile {
    private static final ObjectMapper JSON = new ObjectMapper(new FiniteJsonFactory()).enable(SerializationFeature.INDENT_OUTPUT);
    private static final String NO_SPACE = "No space left on device";

    private AtomicFile() {}

    /** What an output is made of, written to the stream it is given. */
    public interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    public static void write(Path file, byte[] bytes) {
        write(file, out -> out.write(bytes));
    }

    /** value as indented JSON and a newline. */
    public static void writeJson(Path file, JsonNode value) {
        write(file, out -> out.write((JSON.writeValueAsString(value) + "\n").getBytes(StandardCharsets.UTF_8)));
    }

    public static void write(Path file, Content content) {
        Path abs = file.toAbsolutePath();
        Path tmp = temporary(abs); // a plain file: the usual permissions, not 0600
        try {
            try (OutputStream out = Files.newOutputStream(tmp)) {
                content.writeTo(out);
            }
            Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // the write failure below is the one to report
            }
            throw writeFailure(file, e);
        }
    }

    /** The sibling a file is written to before it is renamed over file. */
    public static Path temporary(Path file) {
        return file.resolveSibling(file.getFileName() + ".tmp");
    }

    /**
     * The failure to write file as one line: "no space left on device writing FILE" when the disk is full (also
     * when a library wrapped that, as ImageIO's "I/O error writing PNG file!" does), else the reason.
     */
    public static UncheckedIOException writeFailure(Path file, IOException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null && t.getMessage().contains(NO_SPACE)) {
                return new UncheckedIOException("no space left on device writing " + file, e);
            }
        }
        return new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
    }
}
