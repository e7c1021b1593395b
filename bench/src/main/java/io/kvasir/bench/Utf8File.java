package io.kvasir.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * An input text file read strictly as UTF-8: bytes that are not UTF-8 are an error naming FILE:LINE ("not valid
 * UTF-8"), where Java's own decoder says only "Input length = 1", and a lenient one would feed replacement
 * characters to the model.
 */
public final class Utf8File {
    private Utf8File() {}

    /** The file's lines, split on '\n' (a '\r' before it dropped); none for an empty file. */
    public static List<String> lines(Path file) {
        return lines(file, bytes(file));
    }

    /** The whole file as text, exactly (line ends kept). */
    public static String read(Path file) {
        return text(bytes(file), file.toString());
    }

    /** bytes as text, exactly; shownAs names them in the error ("SHOWN:LINE: not valid UTF-8"). */
    public static String text(byte[] bytes, String shownAs) {
        try {
            return decoder().decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            lines(shownAs, bytes); // finds the line and reports it
            throw new IllegalStateException(shownAs + ": not valid UTF-8, yet every line is", e);
        }
    }

    private static CharsetDecoder decoder() {
        return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
    }

    static byte[] bytes(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    static List<String> lines(Path file, byte[] bytes) {
        return lines(file.toString(), bytes);
    }

    private static List<String> lines(String file, byte[] bytes) {
        CharsetDecoder decoder = decoder();
        List<String> lines = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= bytes.length; i++) {
            if (i < bytes.length && bytes[i] != '\n') continue;
            if (i == bytes.length && start == i) break;
            try {
                String line = decoder.decode(ByteBuffer.wrap(bytes, start, i - start)).toString();
                lines.add(line.endsWith("\r") ? line.substring(0, line.length() - 1) : line);
            } catch (CharacterCodingException e) {
                throw new IllegalArgumentException(file + ":" + (lines.size() + 1) + ": not valid UTF-8");
            }
            start = i + 1;
        }
        return lines;
    }
}
