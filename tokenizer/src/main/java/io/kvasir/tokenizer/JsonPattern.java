package io.kvasir.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.regex.Pattern;

/** tokenizer.json's pattern objects: {"String": literal} or {"Regex": Oniguruma pattern}. */
final class JsonPattern {
    private JsonPattern() {}

    static Pattern parse(JsonNode node, String where) {
        if (node.hasNonNull("String")) {
            return Pattern.compile(Pattern.quote(node.get("String").asText()));
        }
        if (node.hasNonNull("Regex")) {
            return HfRegex.compile(node.get("Regex").asText());
        }
        throw new IllegalArgumentException(where + " has no String or Regex pattern");
    }

    /** The literal text of a {"String": ...} pattern, or null for a regex. */
    static String literal(JsonNode node) {
        return node.hasNonNull("String") ? node.get("String").asText() : null;
    }
}
