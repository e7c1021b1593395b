package io.kvasir.bench.demo;

import io.kvasir.tokenizer.ChatMessage;
import io.kvasir.tokenizer.ChatTemplate;
import io.kvasir.tokenizer.Tokenizer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;

/**
 * Builds retrieval prompts of a given length in tokens with the asked fact at a given depth: filler
 * sentences from a seeded start, the distractor facts at seeded random sentence boundaries, the
 * question, and the answer prefix after the chat template's generation prompt (plain text when the
 * model has no chat template). The same seed gives the same prompt, so every method of a sweep
 * answers identical questions.
 */
public final class RetrievalPrompts {
    /** Tokens kept free for the answer: a space, the digits, the full stop, the end of turn. */
    private static final int ANSWER_RESERVE = 12;

    private final RetrievalTask task;
    private final Tokenizer tokenizer;
    private final Optional<ChatTemplate> template;
    private final int[] sentenceTokens;

    public RetrievalPrompts(RetrievalTask task, Tokenizer tokenizer, Optional<ChatTemplate> template) {
        this.task = task;
        this.tokenizer = tokenizer;
        this.template = template;
        this.sentenceTokens = new int[task.sentences().size()];
    }

    /** One prompt; its key and value say what a right answer contains. */
    public record Prompt(int[] ids, String key, String value, int depthPercent) {}

    public Prompt make(int length, int depthPercent, long seed) {
        Random rng = new Random(seed);
        List<String> keys = new ArrayList<>(task.keys());
        Collections.shuffle(keys, rng);
        int n = task.distractors() + 1;
        List<String> facts = new ArrayList<>();
        String value = null;
        for (int i = 0; i < n; i++) {
            String v = randomValue(rng);
            if (i == 0) value = v;
            facts.add(task.fact(keys.get(i), v));
        }
        String key = keys.get(0);
        int fixed = tokenizer.encode(frame(String.join(" ", facts), key), false).length;
        int budget = length - fixed - ANSWER_RESERVE;
        if (budget < 0) {
            throw new IllegalArgumentException("context length " + length + " tokens is too short for the task's template and "
                    + n + " facts (" + (fixed + ANSWER_RESERVE) + " tokens)");
        }
        List<String> filler = new ArrayList<>();
        int start = rng.nextInt(task.sentences().size()), used = 0;
        for (int i = start; ; i++) {
            int s = i % task.sentences().size();
            int t = tokens(s);
            if (used + t > budget) break;
            filler.add(task.sentences().get(s));
            used += t;
        }
        int target = Math.round(depthPercent / 100f * filler.size());
        int[] slots = new int[n - 1];
        for (int i = 0; i < slots.length; i++) slots[i] = rng.nextInt(filler.size() + 1);
        List<String> pieces = new ArrayList<>();
        for (int i = 0; i <= filler.size(); i++) {
            // Facts sharing a slot come in random order, so the asked one is not always the earliest.
            List<String> here = new ArrayList<>();
            if (i == target) here.add(facts.get(0));
            for (int d = 0; d < slots.length; d++) if (slots[d] == i) here.add(facts.get(d + 1));
            Collections.shuffle(here, rng);
            pieces.addAll(here);
            if (i < filler.size()) pieces.add(filler.get(i));
        }
        // The template writes BOS itself where the model wants it; plain prompts get the tokenizer's.
        int[] ids = tokenizer.encode(frame(String.join(" ", pieces), key), template.isEmpty());
        return new Prompt(ids, key, value, depthPercent);
    }

    /** Whether a generated answer holds the asked value (RULER's string match). */
    public static boolean correct(Prompt p, String answer) {
        return answer.contains(p.value());
    }

    private String frame(String context, String key) {
        String user = task.instruction() + "\n" + context + "\n" + task.question(key);
        String head = template.map(t -> t.render(List.of(new ChatMessage("user", user)), true)).orElse(user + "\n");
        return head + task.answerPrefix(key);
    }

    private int tokens(int sentence) {
        if (sentenceTokens[sentence] == 0) {
            sentenceTokens[sentence] = tokenizer.encode(" " + task.sentences().get(sentence), false).length;
        }
        return sentenceTokens[sentence];
    }

    private String randomValue(Random rng) {
        int low = (int) Math.pow(10, task.valueDigits() - 1);
        return Integer.toString(low + rng.nextInt(9 * low));
    }
}
