package io.kvasir.bench.ruler;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kvasir.tokenizer.Tokenizer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.UUID;

/**
 * RULER-style synthetic examples with RULER's templates (scripts/data/synthetic/constants.py): the niah
 * variants, variable tracking, common words extraction (cwe) and frequent words extraction (fwe). The haystack is sized with the model's tokenizer so that the input plus the
 * answer fits {@code maxSeqLength} tokens. Random draws use java.util.Random and a built-in word list, so the
 * examples are RULER-like, not identical to RULER's pre-generated files (which need Python's RNG and the
 * wonderwords lists); the reference numbers of the paper come from the pre-generated data.
 */
public final class RulerGenerator {
    static final String NIAH_TEMPLATE = "Some special magic {type_needle_v} are hidden within the following text. Make sure"
            + " to memorize it. I will quiz you about the {type_needle_v} afterwards.\n{context}\nWhat are all the special"
            + " magic {type_needle_v} for {query} mentioned in the provided text?";
    static final String NIAH_ANSWER_PREFIX = " The special magic {type_needle_v} for {query} mentioned in the provided text are";
    static final String NEEDLE = "One of the special magic {type_needle_v} for {key} is: {value}.";
    static final String NOISE = "The grass is green. The sky is blue. The sun is yellow. Here we go. There and back again.";
    static final String VT_TEMPLATE = "Memorize and track the chain(s) of variable assignment hidden in the following"
            + " text.\n\n{context}\nQuestion: Find all variables that are assigned the value {query} in the text above.";
    static final String VT_ANSWER_PREFIX = " Answer: According to the chain(s) of variable assignment in the text above,"
            + " {num_v} variables are assigned the value {query}, they are: "; // RULER fixed "assgined" in 4a216f4
    private static final String[] ADJECTIVES = ("abundant agreeable ancient bitter brave calm careful cheerful clever"
            + " crooked curious damp delicate eager elegant faithful fancy fierce gentle gigantic glossy grumpy handsome"
            + " hollow humble icy jolly kind lazy lively loud massive mellow modern narrow nervous obedient odd plain"
            + " polite proud quiet rapid rich round rustic scary shallow shiny silent silly smooth sparkling steep stiff"
            + " sturdy swift tame tender thirsty tidy tiny tough ugly vast violet warm wild witty young zealous").split(" ");
    private static final String[] NOUNS = ("anchor apple arrow badge basket beacon bell blanket bottle bridge brush"
            + " bucket button cabin camera candle canyon carpet castle cherry circle cloud compass cookie copper cottage"
            + " crayon crown curtain desert diamond dolphin drum eagle engine feather fence forest fountain garden"
            + " glacier hammer harbor helmet island jacket kettle ladder lantern lemon magnet marble meadow mirror needle"
            + " orchard otter paddle parrot pebble pencil pepper piano pillow planet pocket puzzle quilt rabbit ribbon"
            + " rocket saddle shadow shelf spoon statue sunset teapot ticket tiger tunnel umbrella valley violin wagon"
            + " whistle window").split(" ");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One niah configuration (RULER synthetic.yaml). */
    public record Niah(String haystack, String keyType, String valueType, int keys, int values, int queries) {}

    /** The niah tasks of docs/benchmarks.md#ruler with RULER's standard settings (essay haystacks use the built-in essay text). */
    public static Niah niah(String task) {
        return switch (task) {
            case "niah_single_1" -> new Niah("noise", "words", "numbers", 1, 1, 1);
            case "niah_single_2" -> new Niah("essay", "words", "numbers", 1, 1, 1);
            case "niah_single_3" -> new Niah("essay", "words", "uuids", 1, 1, 1);
            case "niah_multikey_1" -> new Niah("essay", "words", "numbers", 4, 1, 1);
            case "niah_multikey_2" -> new Niah("needle", "words", "numbers", 1, 1, 1);
            case "niah_multikey_3" -> new Niah("needle", "uuids", "uuids", 1, 1, 1);
            case "niah_multivalue" -> new Niah("essay", "words", "numbers", 1, 4, 1);
            case "niah_multiquery" -> new Niah("essay", "words", "numbers", 4, 1, 4);
            default -> null;
        };
    }

    private final Tokenizer tokenizer;
    private final Random random;
    private final String essay;

    public RulerGenerator(Tokenizer tokenizer, long seed, String essayText) {
        this.tokenizer = tokenizer;
        this.random = new Random(seed);
        this.essay = essayText;
    }

    /**
     * RULER's tokens_to_generate of a task (scripts/data/synthetic/constants.py:26-44 at c3f5e3b): the room its
     * generator leaves for the answer within the sequence length.
     */
    public static int tokensToGenerate(String task) {
        if (niah(task) != null) return 128;
        return switch (task) {
            case "vt" -> 30;
            case "cwe" -> 120;
            case "fwe" -> 50;
            default -> throw new IllegalArgumentException("kvasir cannot generate RULER task '" + task + "' (" + GENERATED
                    + " only)");
        };
    }

    /**
     * One example of task sized as RULER sizes it: the input's tokens (no special tokens, as RULER's
     * {@code tokenizer.tokenize}) plus the task's tokens_to_generate fit maxSeqLength; lines as RULER writes them
     * ({@code length} counts both).
     */
    public ObjectNode example(String task, int index, int maxSeqLength) {
        int tokensToGenerate = tokensToGenerate(task);
        int budget = maxSeqLength - tokensToGenerate;
        Niah n = niah(task);
        ObjectNode o = JSON.createObjectNode();
        if (n != null) {
            NiahDraw d = drawNiah(n);
            put(o, index, niahInput(n, d, largestFitting(u -> niahInput(n, d, u), budget)), d.answers(), tokensToGenerate);
        } else if (task.equals("vt")) {
            VtDraw d = drawVt(1, 4);
            put(o, index, vtInput(d, largestFitting(u -> vtInput(d, u), budget)), d.vars(), tokensToGenerate);
        } else if (task.equals("cwe")) {
            WordExtraction.Cwe d = WordExtraction.drawCwe(random, SINGLE_WORDS, COMPOUND_WORDS, maxSeqLength);
            put(o, index, d.input(largestFitting(d::input, budget)), d.answers(), tokensToGenerate);
        } else if (task.equals("fwe")) {
            WordExtraction.Fwe d = WordExtraction.drawFwe(random, budget);
            int units = largestFitting(d::input, budget);
            // Zipf counts floor(units / (k^2 zeta(2))): words 4 and 5 must differ for a unique top three.
            if ((int) (units / 16.0 / (Math.PI * Math.PI / 6)) == (int) (units / 25.0 / (Math.PI * Math.PI / 6))) {
                throw new IllegalArgumentException("--generate-length " + maxSeqLength + " is too short for fwe:"
                        + " its top three words would tie with the fourth");
            }
            put(o, index, d.input(units), d.answers(), tokensToGenerate);
        } else {
            throw new IllegalArgumentException("kvasir cannot generate RULER task '" + task + "' (" + GENERATED + " only)");
        }
        return o;
    }

    /** The tasks {@link #example} can generate, for messages. */
    public static final String GENERATED = "niah_*, vt, cwe, fwe";

    public static boolean canGenerate(String task) {
        return niah(task) != null || List.of("vt", "cwe", "fwe").contains(task);
    }

    private void put(ObjectNode o, int index, String input, List<String> answers, int tokensToGenerate) {
        o.put("index", index);
        o.put("input", input);
        answers.forEach(o.putArray("outputs")::add);
        o.put("length", tokenizer.encode(input, false).length + tokensToGenerate);
    }

    /** cwe's word supply: the single words, then adjective-noun compounds ("calmanchor") for long contexts. */
    private static final List<String> SINGLE_WORDS = java.util.stream.Stream.concat(
            java.util.Arrays.stream(ADJECTIVES), java.util.Arrays.stream(NOUNS)).toList();
    private static final List<String> COMPOUND_WORDS = java.util.Arrays.stream(ADJECTIVES)
            .flatMap(a -> java.util.Arrays.stream(NOUNS).map(n -> a + n)).distinct().toList();

    private record NiahDraw(List<String> needles, List<String> answers, String query, List<Integer> positions,
                            List<String> fillers) {}

    private NiahDraw drawNiah(Niah n) {
        List<String> keys = new ArrayList<>(), needles = new ArrayList<>(), answers = new ArrayList<>();
        for (int k = 0; k < n.keys(); k++) {
            String key = draw(n.keyType());
            keys.add(key);
            for (int v = 0; v < n.values(); v++) {
                String value = draw(n.valueType());
                needles.add(fill(NEEDLE, n.valueType(), key, value));
                if (k < n.queries()) answers.add(value);
            }
        }
        Collections.shuffle(needles, random);
        List<String> asked = keys.subList(0, n.queries());
        String query = asked.size() == 1 ? asked.getFirst()
                : String.join(", ", asked.subList(0, asked.size() - 1)) + ", and " + asked.getLast();
        List<Integer> positions = new ArrayList<>();
        for (int i = 0; i < needles.size(); i++) positions.add(random.nextInt(1_000_000));
        List<String> fillers = new ArrayList<>();
        for (int i = 0; i < 4096; i++) fillers.add(fill(NEEDLE, n.valueType(), draw(n.keyType()), draw(n.valueType())));
        return new NiahDraw(needles, answers, query, positions, fillers);
    }

    private String niahInput(Niah n, NiahDraw d, int units) {
        List<String> sentences = new ArrayList<>();
        String joiner;
        if (n.haystack().equals("essay")) {
            String[] words = essay.split("\\s+");
            for (int i = 0; i < units; i++) sentences.add(words[i % words.length]);
            joiner = " ";
        } else {
            for (int i = 0; i < units; i++) sentences.add(n.haystack().equals("noise") ? NOISE : d.fillers().get(i % d.fillers().size()));
            joiner = "\n";
        }
        List<Integer> at = new ArrayList<>();
        for (int p : d.positions()) at.add((int) ((long) p * (sentences.size() + 1) / 1_000_000));
        List<String> out = new ArrayList<>(sentences);
        for (int i = d.needles().size() - 1; i >= 0; i--) out.add(Math.min(at.get(i), out.size()), d.needles().get(i));
        String context = String.join(joiner, out);
        return niahTemplate(n).replace("{query}", d.query()).replace("{context}", context);
    }

    /**
     * RULER's niah prompt with its answer prefix and the value type filled in; with one query and one value,
     * niah.py:193-198's singular wording ("A special magic number is hidden ... is"; each "are" becomes "is").
     */
    private static String niahTemplate(Niah n) {
        String template = NIAH_TEMPLATE + NIAH_ANSWER_PREFIX;
        String type = n.valueType();
        if (n.queries() * n.values() == 1) {
            template = template.replace("Some", "A").replace("are all", "is").replace("are", "is").replace("answers", "answer");
            type = type.substring(0, type.length() - 1);
        }
        return template.replace("{type_needle_v}", type);
    }

    /**
     * A generated task's prompt template with RULER's answer prefix, {context} and {query} (and vt's {num_v}) left
     * in, as RULER's prepare.py and niah.py build it; empty for tasks kvasir does not generate.
     */
    public static java.util.Optional<String> promptTemplate(String task) {
        Niah n = niah(task);
        if (n != null) return java.util.Optional.of(niahTemplate(n));
        return java.util.Optional.ofNullable(switch (task) {
            case "vt" -> VT_TEMPLATE + VT_ANSWER_PREFIX;
            case "cwe" -> WordExtraction.CWE_TEMPLATE + WordExtraction.CWE_ANSWER_PREFIX;
            case "fwe" -> WordExtraction.FWE_TEMPLATE + WordExtraction.FWE_ANSWER_PREFIX;
            default -> null;
        });
    }

    private record VtDraw(List<String> vars, String value, List<String> chain, List<Integer> positions) {}

    private VtDraw drawVt(int chains, int hops) {
        String value = Integer.toString(10000 + random.nextInt(90000));
        List<String> vars = new ArrayList<>();
        for (int i = 0; i <= hops; i++) vars.add(randomVar());
        List<String> chain = new ArrayList<>();
        chain.add("VAR " + vars.getFirst() + " = " + value);
        for (int i = 1; i < vars.size(); i++) chain.add("VAR " + vars.get(i) + " = VAR " + vars.get(i - 1));
        List<Integer> positions = new ArrayList<>();
        for (int i = 0; i < chain.size(); i++) positions.add(random.nextInt(1_000_000));
        Collections.sort(positions);
        return new VtDraw(vars, value, chain, positions);
    }

    private String vtInput(VtDraw d, int units) {
        List<String> out = new ArrayList<>(Collections.nCopies(units, NOISE));
        for (int i = d.chain().size() - 1; i >= 0; i--) {
            int at = (int) ((long) d.positions().get(i) * (units + 1) / 1_000_000);
            out.add(Math.min(at, out.size()), d.chain().get(i) + ".");
        }
        // positions are sorted, so inserting from the last keeps the chain in order
        return (VT_TEMPLATE + VT_ANSWER_PREFIX).replace("{context}", String.join("\n", out))
                .replace("{query}", d.value()).replace("{num_v}", Integer.toString(d.vars().size()));
    }

    private int largestFitting(java.util.function.IntFunction<String> input, int budget) {
        int lo = 0, hi = 1;
        while (tokenizer.encode(input.apply(hi), false).length <= budget) {
            lo = hi;
            hi *= 2;
            if (hi > 1 << 20) break;
        }
        while (hi - lo > 1) {
            int mid = (lo + hi) >>> 1;
            if (tokenizer.encode(input.apply(mid), false).length <= budget) lo = mid; else hi = mid;
        }
        if (lo == 0) throw new IllegalArgumentException("--generate-length is too short: the task needs more than " + budget + " input tokens");
        return lo;
    }

    private String draw(String type) {
        return switch (type) {
            case "numbers" -> Integer.toString(1_000_000 + random.nextInt(9_000_000));
            case "uuids" -> new UUID(random.nextLong() & 0xffffffffffff0fffL | 0x4000L,
                    random.nextLong() & 0x3fffffffffffffffL | 0x8000000000000000L).toString();
            default -> ADJECTIVES[random.nextInt(ADJECTIVES.length)] + "-" + NOUNS[random.nextInt(NOUNS.length)];
        };
    }

    private String randomVar() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 5; i++) sb.append((char) ('A' + random.nextInt(26)));
        return sb.toString();
    }

    private static String fill(String template, String type, String key, String value) {
        return template.replace("{type_needle_v}", type).replace("{key}", key).replace("{value}", value);
    }
}
