package io.kvasir.model;

import io.kvasir.compression.cache.KvCache;
import io.kvasir.compression.policy.CompressionPolicy;

/** A cache a prefill fills and the policy that chooses what it keeps. */
public record PrefillTarget(KvCache cache, CompressionPolicy policy) {}
