package io.kvasir.cli;

import io.kvasir.compression.CompressionConfig;
import io.kvasir.compression.budget.ByteBudgetPlan;
import io.kvasir.compression.cache.KvStorage;
import io.kvasir.compression.policy.KvLayout;
import io.kvasir.model.Model;
import io.kvasir.model.ModelConfig;
import java.io.PrintWriter;

/**
 * The start-up that generate and bench share: the compression and storage flags are checked
 * before a model is loaded ({@link #fromFlags}); once the model and the prompt length are known,
 * {@link #forPrompt} plans {@code --kv-budget}, and the notes and warnings go to stderr, one line each.
 *
 * @param command     the command's name, which prefixes every line it prints
 * @param compression the compression configuration from the flags
 * @param storage     the storage from the flags (without --kv-budget)
 * @param options     the storage flags, for --kv-budget
 */
record CacheSetup(String command, CompressionConfig compression, KvStorage storage, KvStorageOptions options) {
    /** What a run uses after --kv-budget. */
    record Chosen(CompressionConfig compression, KvStorage storage, ByteBudgetPlan plan) {
        /** Whether --kv-budget chose the storage (then {@link #plan} is set). */
        boolean planned() {
            return plan != null;
        }
    }

    /** Checks the flags, before anything is loaded; bad ones fail with one line. */
    static CacheSetup fromFlags(String command, CompressionOptions compression, KvStorageOptions options) {
        CompressionConfig config = compression.config();
        KvStorage storage = config.resolve(options.storage());
        options.checkByteBudget();
        return new CacheSetup(command, config, storage, options);
    }

    /** The model's cache layout in this configuration's GQA mode. */
    KvLayout layout(Model model) {
        ModelConfig c = model.config();
        return compression.layoutFor(c.numLayers(), c.numKvHeads(), c.numHeads(), c.headDim());
    }

    /**
     * Plans --kv-budget for a prompt of {@code promptTokens} followed by {@code newTokens}, and prints
     * what was chosen, the configuration's warnings and a note when the context exceeds the model's.
     */
    Chosen forPrompt(Model model, int promptTokens, int newTokens, PrintWriter err) {
        int context = promptTokens + newTokens;
        if (context > model.config().maxPositionEmbeddings()) {
            err.printf("%s: note: %d prompt + %d new tokens exceed the model's max_position_embeddings of %d%n",
                    command, promptTokens, newTokens, model.config().maxPositionEmbeddings());
        }
        KvLayout layout = layout(model);
        Chosen chosen = new Chosen(compression, storage, null);
        if (options.hasByteBudget()) {
            ByteBudgetPlan plan = options.plan(layout, compression, storage, promptTokens, newTokens);
            chosen = new Chosen(plan.compression(), plan.storage(), plan);
            err.println(command + ": --kv-budget: " + plan.reason());
        }
        for (String warning : chosen.compression().warnings(layout)) {
            err.println(command + ": warning: " + warning);
        }
        err.flush();
        return chosen;
    }
}
