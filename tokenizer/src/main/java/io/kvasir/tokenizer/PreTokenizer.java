package io.kvasir.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * tokenizer.json's pre_tokenizer: cuts a normalized piece of text into the words the model encodes
 * one at a time. Pieces remember whether they start the original text, which Metaspace's
 * prepend_scheme "first" needs.
 */
sealed interface PreTokenizer {
    /** A piece of text; atStart when it begins at offset 0 of the original input. */
    record Piece(String text, boolean atStart) {}

    /** Appends the pieces of one piece to out. */
    void split(Piece piece, List<Piece> out);

    default List<Piece> apply(List<Piece> pieces) {
        List<Piece> out = new ArrayList<>(pieces.size() * 2);
        for (Piece p : pieces) {
            split(p, out);
        }
        return out;
    }

    private static void addRanges(Piece piece, List<int[]> ranges, List<Piece> out) {
        for (int[] r : ranges) {
            out.add(new Piece(piece.text().substring(r[0], r[1]), piece.atStart() && r[0] == 0));
        }
    }

    /** GPT-2's pre-tokenizer regex, which ByteLevel uses when use_regex is true. */
    Pattern GPT2_PATTERN = HfRegex.compile(
            "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+");

    record Sequence(List<PreTokenizer> steps) implements PreTokenizer {
        @Override
        public void split(Piece piece, List<Piece> out) {
            List<Piece> pieces = List.of(piece);
            for (PreTokenizer step : steps) {
                pieces = step.apply(pieces);
            }
            out.addAll(pieces);
        }
    }

    record Split(Pattern pattern, SplitBehavior behavior, boolean invert) implements PreTokenizer {
        @Override
        public void split(Piece piece, List<Piece> out) {
            addRanges(piece, behavior.ranges(SplitBehavior.regexMatches(pattern, piece.text()), invert), out);
        }
    }

    /** Maps each piece to the byte-level alphabet, after an optional space prefix and GPT-2 split. */
    record ByteLevel(boolean addPrefixSpace, boolean useRegex) implements PreTokenizer {
        @Override
        public void split(Piece piece, List<Piece> out) {
            String text = piece.text();
            if (addPrefixSpace && !text.startsWith(" ")) {
                text = " " + text;
            }
            if (!useRegex) {
                if (!text.isEmpty()) {
                    out.add(new Piece(ByteLevelAlphabet.encode(text), piece.atStart()));
                }
                return;
            }
            Piece spaced = new Piece(text, piece.atStart());
            for (int[] r : SplitBehavior.ISOLATED.ranges(SplitBehavior.regexMatches(GPT2_PATTERN, text), false)) {
                out.add(new Piece(ByteLevelAlphabet.encode(text.substring(r[0], r[1])), spaced.atStart() && r[0] == 0));
            }
        }
    }

    /** SentencePiece's spaces: ' ' becomes the replacement, which may also be prepended. */
    record Metaspace(String replacement, PrependScheme scheme, boolean splitOnReplacement) implements PreTokenizer {
        enum PrependScheme { ALWAYS, FIRST, NEVER }

        @Override
        public void split(Piece piece, List<Piece> out) {
            String text = piece.text().replace(" ", replacement);
            boolean prepend = switch (scheme) {
                case ALWAYS -> true;
                case FIRST -> piece.atStart();
                case NEVER -> false;
            };
            if (prepend && !text.startsWith(replacement)) {
                text = replacement + text;
            }
            Piece replaced = new Piece(text, piece.atStart());
            if (!splitOnReplacement) {
                if (!text.isEmpty()) {
                    out.add(replaced);
                }
                return;
            }
            int r = replacement.codePointAt(0);
            addRanges(replaced, SplitBehavior.MERGED_WITH_NEXT.ranges(
                    SplitBehavior.charMatches(cp -> cp == r, text), false), out);
        }
    }

    /** Whitespace: keeps runs of word characters and runs of other non-space characters. */
    record Whitespace() implements PreTokenizer {
        private static final Pattern WORDS = HfRegex.compile("\\w+|[^\\w\\s]+");

        @Override
        public void split(Piece piece, List<Piece> out) {
            addRanges(piece, SplitBehavior.REMOVED.ranges(SplitBehavior.regexMatches(WORDS, piece.text()), true), out);
        }
    }

    /** Cuts on a predicate over code points (WhitespaceSplit, Digits, Punctuation, CharDelimiterSplit). */
    record CharSplit(java.util.function.IntPredicate isMatch, SplitBehavior behavior) implements PreTokenizer {
        @Override
        public void split(Piece piece, List<Piece> out) {
            addRanges(piece, behavior.ranges(SplitBehavior.charMatches(isMatch, piece.text()), false), out);
        }
    }

    static boolean isWhitespace(int cp) {
        return Character.isWhitespace(cp) && !(cp >= 0x1C && cp <= 0x1F) || cp == 0x85 || Character.isSpaceChar(cp);
    }

    static boolean isNumeric(int cp) {
        int t = Character.getType(cp);
        return t == Character.DECIMAL_DIGIT_NUMBER || t == Character.LETTER_NUMBER || t == Character.OTHER_NUMBER;
    }

    static boolean isPunctuation(int cp) {
        if (cp < 128) {
            return (cp >= '!' && cp <= '/') || (cp >= ':' && cp <= '@') || (cp >= '[' && cp <= '`') || (cp >= '{' && cp <= '~');
        }
        int t = Character.getType(cp);
        return t == Character.CONNECTOR_PUNCTUATION || t == Character.DASH_PUNCTUATION || t == Character.START_PUNCTUATION
                || t == Character.END_PUNCTUATION || t == Character.INITIAL_QUOTE_PUNCTUATION
                || t == Character.FINAL_QUOTE_PUNCTUATION || t == Character.OTHER_PUNCTUATION;
    }

    /** Builds the pre-tokenizer a tokenizer.json node describes; null for a JSON null. */
    static PreTokenizer parse(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        String type = node.path("type").asText("");
        return switch (type) {
            case "Sequence" -> {
                List<PreTokenizer> steps = new ArrayList<>();
                for (JsonNode n : node.path("pretokenizers")) {
                    steps.add(parse(n));
                }
                yield new Sequence(List.copyOf(steps));
            }
            case "Split" -> new Split(JsonPattern.parse(node.path("pattern"), "pre_tokenizer Split"),
                    SplitBehavior.parse(node.path("behavior").asText("")), node.path("invert").asBoolean(false));
            case "ByteLevel" -> new ByteLevel(node.path("add_prefix_space").asBoolean(true),
                    node.path("use_regex").asBoolean(true));
            case "Metaspace" -> new Metaspace(metaspaceReplacement(node), prependScheme(node),
                    node.path("split").asBoolean(true));
            case "Whitespace" -> new Whitespace();
            case "WhitespaceSplit" -> new CharSplit(PreTokenizer::isWhitespace, SplitBehavior.REMOVED);
            case "Digits" -> new CharSplit(PreTokenizer::isNumeric,
                    node.path("individual_digits").asBoolean(false) ? SplitBehavior.ISOLATED : SplitBehavior.CONTIGUOUS);
            case "Punctuation" -> new CharSplit(PreTokenizer::isPunctuation,
                    SplitBehavior.parse(node.path("behavior").asText("Isolated")));
            case "BertPreTokenizer" -> new Sequence(List.of(
                    new CharSplit(PreTokenizer::isWhitespace, SplitBehavior.REMOVED),
                    new CharSplit(PreTokenizer::isPunctuation, SplitBehavior.ISOLATED)));
            case "CharDelimiterSplit" -> {
                int delimiter = node.path("delimiter").asText(" ").codePointAt(0);
                yield new CharSplit(cp -> cp == delimiter, SplitBehavior.REMOVED);
            }
            default -> throw new IllegalArgumentException("unsupported pre_tokenizer type '" + type + "'");
        };
    }

    static String metaspaceReplacement(JsonNode node) {
        String r = node.path("replacement").asText("\u2581");
        if (r.codePointCount(0, r.length()) != 1) {
            throw new IllegalArgumentException("Metaspace replacement must be one character, not '" + r + "'");
        }
        return r;
    }

    static Metaspace.PrependScheme prependScheme(JsonNode node) {
        JsonNode scheme = node.get("prepend_scheme");
        if (scheme == null || scheme.isNull()) {
            return node.path("add_prefix_space").asBoolean(true) ? Metaspace.PrependScheme.ALWAYS
                    : Metaspace.PrependScheme.NEVER;
        }
        return switch (scheme.asText()) {
            case "always" -> Metaspace.PrependScheme.ALWAYS;
            case "first" -> Metaspace.PrependScheme.FIRST;
            case "never" -> Metaspace.PrependScheme.NEVER;
            default -> throw new IllegalArgumentException("unsupported Metaspace prepend_scheme '" + scheme.asText() + "'");
        };
    }
}
