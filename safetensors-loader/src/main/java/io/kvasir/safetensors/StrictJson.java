package io.kvasir.safetensors;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** Parses the JSON of headers and index files, turning every failure into a one-line message. */
final class StrictJson {

    /**
     * Duplicate keys are rejected because a header naming one tensor twice is ambiguous (which entry
     * wins differs between readers). Immutable after construction, so sharing it is safe.
     */
    private static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .build();

    private StrictJson() {
    }

    /**
     * @param utf8   the raw bytes, which must be valid UTF-8
     * @param source what to name in error messages (a file path)
     * @param what   what the bytes are, e.g. "header"
     * @return the root node, always an object
     * @throws SafetensorsFormatException if the bytes are not UTF-8, not JSON, or not a JSON object
     */
    static JsonNode parseObject(byte[] utf8, Object source, String what) {
        String text;
        try {
            // Decode strictly ourselves: Jackson would guess UTF-16/32 from the first bytes, and the
            // format says UTF-8.
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(utf8))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new SafetensorsFormatException(source + ": " + what + " is not valid UTF-8", e);
        }
        JsonNode root;
        try (JsonParser parser = MAPPER.createParser(text)) {
            root = MAPPER.readTree(parser);
            // Anything after the object (padding spaces aside) means the length prefix or the file is wrong.
            if (root != null && parser.nextToken() != null) {
                throw new SafetensorsFormatException(source + ": " + what + " has more JSON after the object"
                        + at(parser.currentTokenLocation()));
            }
        } catch (JacksonException e) {
            throw new SafetensorsFormatException(source + ": " + what + " is not valid JSON: " + describe(e), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // parsing a String does no I/O
        }
        if (root == null || !root.isObject()) {
            String got = root == null || root.isMissingNode() ? "nothing" : root.getNodeType().toString().toLowerCase();
            throw new SafetensorsFormatException(source + ": " + what + " is not a JSON object (found " + got + ")");
        }
        return root;
    }

    /** Jackson's own message spans lines and quotes the source; keep the problem and where it is. */
    private static String describe(JacksonException e) {
        String message = e.getOriginalMessage() == null ? e.getClass().getSimpleName() : e.getOriginalMessage();
        message = message.replaceAll("\\s*\\R\\s*", " ").strip();
        return message + at(e.getLocation());
    }

    private static String at(JsonLocation location) {
        return location == null || location.getLineNr() <= 0
                ? ""
                : " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
    }
}
