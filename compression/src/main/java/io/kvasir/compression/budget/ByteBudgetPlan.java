package io.kvasir.compression.budget;

import io.kvasir.compression.CompressionConfig;
import io.kvasir.compression.cache.KvStorage;

/**
 * What {@link ByteBudgetPlanner} chose for a byte budget.
 *
 * @param storage      bits and scheme to store with
 * @param compression  the compression configuration to run (its token budget set when pruning)
 * @param pruned       whether the prompt is pruned (false: every prompt token fits)
 * @param layerTokens  most entries each stored head of a layer holds at the end (kept prompt + new tokens)
 * @param bytes        upper bound of the bytes the cache will hold at the end, by the accounting formula
 * @param limitBytes   the budget
 * @param reason       one sentence: what was chosen and why
 */
public record ByteBudgetPlan(KvStorage storage, CompressionConfig compression, boolean pruned, int[] layerTokens,
                             long bytes, long limitBytes, String reason) {}
