package io.kvasir.compression.policy;

/** How grouped-query attention maps onto stored heads. */
public enum GqaMode {
    /** One stored head per KV head; scores are aggregated over the query heads of the group. */
    NATIVE,
    /** K/V copied to every query head before selection, as the reference repositories do. */
    REPEAT
}
