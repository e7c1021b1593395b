package io.kvasir.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A Hugging Face fast tokenizer (tokenizer.json) with the semantics of the `tokenizers` library:
 * added tokens are split off first, the text between them is normalized, pre-tokenized and encoded
 * by the BPE model; the post-processor adds special tokens; the decoder turns ids back into text.
 * Immutable and safe to share between threads.
 */
public final class Tokenizer {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final AddedVocabulary added;
    private final Normalizer normalizer;
    private final PreTokenizer preTokenizer;
    private final BpeModel model;
    private final PostProcessor postProcessor;
    private final Decoder decoder;
    private final String[] tokens;
    private final String bosToken;
    private final String eosToken;
    private final boolean cleanUpTokenizationSpaces;

    private Tokenizer(AddedVocabulary added, Normalizer normalizer, PreTokenizer preTokenizer, BpeModel model,
                      PostProcessor postProcessor, Decoder decoder, String bosToken, String eosToken,
                      boolean cleanUpTokenizationSpaces) {
        this.added = added;
        this.normalizer = normalizer;
        this.preTokenizer = preTokenizer;
        this.model = model;
        this.postProcessor = postProcessor;
        this.decoder = decoder;
        this.bosToken = bosToken;
        this.eosToken = eosToken;
        this.cleanUpTokenizationSpaces = cleanUpTokenizationSpaces;
        int size = 0;
        for (int id : model.vocab().values()) {
            size = Math.max(size, checkedId(id) + 1);
        }
        for (AddedVocabulary.AddedToken t : added.tokens()) {
            size = Math.max(size, checkedId(t.id()) + 1);
        }
        tokens = new String[size];
        for (Map.Entry<String, Integer> e : model.vocab().entrySet()) {
            tokens[e.getValue()] = e.getKey();
        }
        for (AddedVocabulary.AddedToken t : added.tokens()) {
            tokens[t.id()] = t.content();
        }
    }

    /** Ids index an array: the largest vocabularies have about a million tokens; this allows 16 times that. */
    private static final int MAX_ID = 1 << 24;

    private static int checkedId(int id) {
        if (id < 0 || id >= MAX_ID) {
            throw new IllegalArgumentException("token id " + id + " is outside [0, " + MAX_ID + ")");
        }
        return id;
    }

    /** Loads modelDir/tokenizer.json, with bos/eos names and extra added tokens from tokenizer_config.json. */
    public static Tokenizer load(Path modelDir) {
        Path file = modelDir.resolve("tokenizer.json");
        JsonNode root = readJson(file, true);
        Path configFile = modelDir.resolve("tokenizer_config.json");
        JsonNode config = readJson(configFile, false);
        try {
            return fromJson(root, config);
        } catch (IllegalArgumentException e) {
            throw new TokenizerFormatException(file + ": " + e.getMessage(), e);
        }
    }

    /** Builds a tokenizer from parsed tokenizer.json and (possibly null) tokenizer_config.json contents. */
    static Tokenizer fromJson(JsonNode root, JsonNode config) {
        if (!root.isObject()) {
            throw new IllegalArgumentException("not a JSON object");
        }
        if (!root.has("model")) {
            throw new IllegalArgumentException("no model");
        }
        Normalizer normalizer = Normalizer.parse(root.get("normalizer"));
        PreTokenizer preTokenizer = PreTokenizer.parse(root.get("pre_tokenizer"));
        BpeModel model = BpeModel.parse(root.get("model"));
        PostProcessor postProcessor = PostProcessor.parse(root.get("post_processor"));
        Decoder decoder = Decoder.parse(root.get("decoder"));
        List<AddedVocabulary.AddedToken> addedTokens = new ArrayList<>();
        java.util.Set<Integer> ids = new java.util.HashSet<>();
        for (JsonNode t : root.path("added_tokens")) {
            AddedVocabulary.AddedToken token = addedToken(t.path("id").asInt(-1), t);
            addedTokens.add(token);
            ids.add(token.id());
        }
        String bos = null;
        String eos = null;
        boolean cleanUp = false; // transformers' default when tokenizer_config.json does not say
        if (config != null) {
            config.path("added_tokens_decoder").properties().forEach(e -> {
                int id = Integer.parseInt(e.getKey());
                if (!ids.contains(id)) {
                    addedTokens.add(addedToken(id, e.getValue()));
                }
            });
            bos = tokenName(config.get("bos_token"));
            eos = tokenName(config.get("eos_token"));
            cleanUp = config.path("clean_up_tokenization_spaces").asBoolean(false);
        }
        return new Tokenizer(new AddedVocabulary(addedTokens, normalizer), normalizer, preTokenizer, model,
                postProcessor, decoder, bos, eos, cleanUp);
    }

    private static AddedVocabulary.AddedToken addedToken(int id, JsonNode t) {
        String content = t.path("content").asText(null);
        if (id < 0 || content == null) {
            throw new IllegalArgumentException("added token without id or content: " + t);
        }
        return new AddedVocabulary.AddedToken(id, content, t.path("single_word").asBoolean(false),
                t.path("lstrip").asBoolean(false), t.path("rstrip").asBoolean(false),
                t.path("normalized").asBoolean(!t.path("special").asBoolean(false)), t.path("special").asBoolean(false));
    }

    private static String tokenName(JsonNode n) {
        if (n == null || n.isNull()) {
            return null;
        }
        return n.isObject() ? n.path("content").asText(null) : n.asText();
    }

    /** Parses a JSON file; a missing file is null unless required, anything unreadable one line naming the file. */
    static JsonNode readJson(Path file, boolean required) {
        if (!Files.exists(file)) {
            if (required) {
                throw new TokenizerFormatException(file + ": file not found");
            }
            return null;
        }
        try {
            return JSON.readTree(file.toFile());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            String where = e.getLocation() == null ? ""
                    : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
            String why = e.getOriginalMessage() == null ? "malformed" : e.getOriginalMessage().lines().findFirst().orElse("");
            throw new TokenizerFormatException(file + ": not valid JSON: " + why + where, e);
        } catch (IOException e) {
            throw new TokenizerFormatException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    /** Token ids of text; with addSpecialTokens the post-processor's tokens (e.g. BOS) are added. */
    public int[] encode(String text, boolean addSpecialTokens) {
        IntList ids = new IntList(Math.max(16, text.length() / 3));
        for (AddedVocabulary.Segment s : added.split(text, normalizer)) {
            if (s.id() >= 0) {
                ids.add(s.id());
                continue;
            }
            if (preTokenizer == null) {
                model.encode(s.text(), ids);
                continue;
            }
            for (PreTokenizer.Piece p : preTokenizer.apply(List.of(new PreTokenizer.Piece(s.text(), s.atStart())))) {
                model.encode(p.text(), ids);
            }
        }
        int[] out = ids.toArray();
        return addSpecialTokens && postProcessor != null ? postProcessor.process(out) : out;
    }

    /** Text of ids; unknown ids are ignored, special tokens dropped when skipSpecialTokens. */
    public String decode(int[] ids, boolean skipSpecialTokens) {
        return decode(ids, 0, ids.length, skipSpecialTokens);
    }

    /**
     * Text of ids as transformers 4.x's {@code tokenizer.decode(ids, skip_special_tokens=...)} returns it: the
     * decoded text, then, when tokenizer_config.json sets {@code clean_up_tokenization_spaces} (real Llama-3
     * configs do), its clean-up. The benchmark reference scripts ran on transformers 4.x, which applied the
     * clean-up when cutting prompts and haystacks and when decoding answers; transformers 5 skips it for BPE
     * tokenizers, so {@link #decode} (the tokenizers library's text) stays the plain decode.
     */
    public String decodeAsTransformers4(int[] ids, boolean skipSpecialTokens) {
        String text = decode(ids, skipSpecialTokens);
        return cleanUpTokenizationSpaces ? cleanUpTokenization(text) : text;
    }

    /** transformers' {@code clean_up_tokenization}: removes the space before punctuation and English contractions. */
    static String cleanUpTokenization(String text) {
        return text.replace(" .", ".").replace(" ?", "?").replace(" !", "!").replace(" ,", ",").replace(" ' ", "'")
                .replace(" n't", "n't").replace(" 'm", "'m").replace(" 's", "'s").replace(" 've", "'ve")
                .replace(" 're", "'re");
    }

    String decode(int[] ids, int from, int to, boolean skipSpecialTokens) {
        List<String> parts = new ArrayList<>(to - from);
        for (int i = from; i < to; i++) {
            String t = token(ids[i]);
            if (t != null && !(skipSpecialTokens && added.isSpecial(t))) {
                parts.add(t);
            }
        }
        return decoder == null ? String.join(" ", parts) : decoder.decode(parts);
    }

    /** A decoder for generated ids that returns text only once its UTF-8 characters are complete. */
    public StreamingDecoder streamingDecoder() {
        return new StreamingDecoder(this, false);
    }

    /** As {@link #streamingDecoder()}, optionally leaving special tokens out. */
    public StreamingDecoder streamingDecoder(boolean skipSpecialTokens) {
        return new StreamingDecoder(this, skipSpecialTokens);
    }

    /** One more than the largest token id (model vocab and added tokens). */
    public int vocabSize() {
        return tokens.length;
    }

    /** The id of a token string (added tokens first, then the model vocab). */
    public OptionalInt id(String token) {
        Integer id = added.id(token);
        if (id == null) {
            id = model.vocab().get(token);
        }
        return id == null ? OptionalInt.empty() : OptionalInt.of(id);
    }

    /** The token string of an id, or null when no token has that id. */
    public String token(int id) {
        return id >= 0 && id < tokens.length ? tokens[id] : null;
    }

    /** True for added tokens marked special (BOS, EOS, chat markers). */
    public boolean isSpecial(int id) {
        String t = added.content(id);
        return t != null && added.isSpecial(t);
    }

    /** tokenizer_config.json's bos_token. */
    public Optional<String> bosToken() {
        return Optional.ofNullable(bosToken);
    }

    /** tokenizer_config.json's eos_token. */
    public Optional<String> eosToken() {
        return Optional.ofNullable(eosToken);
    }

    /** The id of bos_token, if it names a token; empty array otherwise. */
    public int[] bosIds() {
        return idsOf(bosToken);
    }

    /** The id of eos_token, if it names a token; empty array otherwise. */
    public int[] eosIds() {
        return idsOf(eosToken);
    }

    private int[] idsOf(String name) {
        if (name == null) {
            return new int[0];
        }
        OptionalInt id = id(name);
        return id.isPresent() ? new int[] {id.getAsInt()} : new int[0];
    }
}
