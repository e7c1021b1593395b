package io.kvasir.compression.budget;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kvasir.compression.CompressionConfig;
import io.kvasir.compression.cache.KvCache;
import io.kvasir.compression.cache.KvCacheTest;
import io.kvasir.compression.cache.KvStorage;
import io.kvasir.compression.cache.QuantScheme;
import io.kvasir.compression.policy.CompressionPolicy;
import io.kvasir.compression.policy.GqaMode;
import io.kvasir.compression.policy.KvLayout;
import io.kvasir.compression.policy.LayerPrefill;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The --kv-budget rule, checked by filling real caches with what the plan chose: the policy selects
 * on random K/V, the cache stores and appends, and its own byte count must stay within the budget.
 */
class ByteBudgetPlannerTest {
    static final KvLayout LAYOUT = new KvLayout(4, 2, 4, 16, GqaMode.NATIVE);
    static final int N = 300;
    static final int M = 5;
    /** Bytes of the whole prompt plus new tokens at 16 bits: layers x heads x (K, V) x D x 2 bytes x tokens. */
    static final long FULL16 = 4L * 2 * 2 * 16 * 2 * (N + M);

    static CompressionConfig config(String method) {
        var b = CompressionConfig.builder().method(method).budget(64).window(8);
        if (method.equals("windowkv")) {
            b.sharedLayers(2).suffixMax(16).suffixAvg(8);
        }
        return b.build();
    }

    static KvStorage storage(QuantScheme scheme) {
        return KvStorage.of(16).withQuantization(scheme, 8, 4);
    }

    /** Runs the plan: policy on random K/V, prefill into the cache, then M appended tokens. */
    static KvCache fill(ByteBudgetPlan plan) {
        int dim = LAYOUT.headDim();
        KvCache cache = new KvCache(LAYOUT, plan.storage(), N + M);
        CompressionPolicy policy = plan.compression().create(LAYOUT, plan.storage(), "", Optional.empty());
        for (int l = 0; l < LAYOUT.layers(); l++) {
            float[] k = KvCacheTest.random(N * 2 * dim, 10 + l);
            float[] v = KvCacheTest.random(N * 2 * dim, 20 + l);
            float[] q = KvCacheTest.random(N * 4 * dim, 30 + l);
            int[][] kept = policy.select(new LayerPrefill(l, LAYOUT, N, k, v, q, null));
            cache.storePrefill(l, k, v, N, kept);
        }
        for (int t = 0; t < M; t++) {
            for (int l = 0; l < LAYOUT.layers(); l++) {
                cache.append(l, N + t, KvCacheTest.random(2 * dim, 40 + t), KvCacheTest.random(2 * dim, 50 + t));
            }
        }
        return cache;
    }

    static void assertHolds(ByteBudgetPlan plan, KvCache cache) {
        assertTrue(cache.bytesHeld() <= plan.bytes(), "cache " + cache.bytesHeld() + " B > planned " + plan.bytes() + " B");
        assertTrue(plan.bytes() <= plan.limitBytes(), plan.reason());
        int[][] lengths = cache.lengths();
        for (int l = 0; l < lengths.length; l++) {
            for (int held : lengths[l]) {
                assertTrue(held <= plan.layerTokens()[l], "layer " + l + " holds " + held + " > planned "
                        + plan.layerTokens()[l]);
            }
        }
    }

    static Stream<Arguments> methodsAndSchemes() {
        return Stream.of("streamingllm", "h2o", "snapkv", "pyramidkv", "windowkv")
                .flatMap(m -> Stream.of(QuantScheme.KIVI, QuantScheme.REFERENCE, QuantScheme.KVQUANT)
                        .map(s -> Arguments.of(m, s)));
    }

    @ParameterizedTest
    @MethodSource("methodsAndSchemes")
    void prunesAtFourBitsWithTheLargestBudgetThatFits(String method, QuantScheme scheme) {
        long limit = FULL16 / 6; // below the whole prompt at 4 bits (about 16/4.5 = 3.6x smaller than 16 bits)
        ByteBudgetPlan plan = ByteBudgetPlanner.plan(limit, LAYOUT, config(method), storage(scheme), N, M);
        assertEquals(4, plan.storage().bits(), plan.reason());
        assertEquals(scheme, plan.storage().scheme());
        assertTrue(plan.pruned(), plan.reason());
        int budget = plan.compression().budget();
        assertTrue(ByteBudgetPlanner.bytes(LAYOUT, plan.storage(), plan.compression(), budget + 1, N, M) > limit
                        || ByteBudgetPlanner.wholePromptBudget(LAYOUT, plan.compression(), N) == budget,
                "one more token of budget would still fit: " + plan.reason());
        KvCache cache = fill(plan);
        assertHolds(plan, cache);
        assertTrue(cache.bytesHeld() > limit / 2, "the budget is used, not wasted: " + cache.bytesHeld() + " B of " + limit);
    }

    @ParameterizedTest
    @MethodSource("methodsAndSchemes")
    void keepsEveryTokenWhenItFits(String method, QuantScheme scheme) {
        ByteBudgetPlan plan = ByteBudgetPlanner.plan(FULL16, LAYOUT, config(method), storage(scheme), N, M);
        assertEquals(16, plan.storage().bits(), plan.reason());
        assertFalse(plan.pruned());
        KvCache cache = fill(plan);
        assertHolds(plan, cache);
        // No layer pruned: pyramidkv and windowkv needed a budget above the prompt length for that.
        for (int[] layer : cache.lengths()) {
            for (int held : layer) {
                assertEquals(N + M, held);
            }
        }
        assertEquals(FULL16, cache.bytesHeld());
    }

    @Test
    void referenceLayoutBytesAreExact() {
        // SnapKV keeps exactly the budget per head, so the plan's count of codes, shared group metadata
        // and fp16 new tokens must equal what the reference stores hold.
        ByteBudgetPlan plan = ByteBudgetPlanner.plan(FULL16 / 6, LAYOUT, config("snapkv"), storage(QuantScheme.REFERENCE), N, M);
        KvCache cache = fill(plan);
        assertEquals(plan.bytes(), cache.bytesHeld());
        int kept = plan.compression().budget();
        // Hand count per layer: 2 heads x (K,V) x kept x 16 channels x 4 bits / 8, plus 4 fp16 arrays of
        // (2 x kept x 16 / 8) groups, plus 2 heads x (K,V) x M x 16 x 2 bytes.
        long perLayer = 2L * 2 * kept * 16 / 2 + 4L * 2 * (2L * kept * 16 / 8) + 2L * 2 * M * 16 * 2;
        assertEquals(4 * perLayer, plan.bytes());
    }

    @Test
    void choosesEightBitsBeforePruning() {
        // 8 bits with G = 8 costs 2 * D * (1 + 4/8) bytes a token, 75% of half precision (plus the residual).
        ByteBudgetPlan plan = ByteBudgetPlanner.plan(FULL16 * 8 / 10, LAYOUT, config("snapkv"), storage(QuantScheme.KIVI), N, M);
        assertEquals(8, plan.storage().bits(), plan.reason());
        assertFalse(plan.pruned());
        assertHolds(plan, fill(plan));
    }

    @Test
    void fallsToTwoBitsWhenFourCannotHoldTheSmallestBudget() {
        CompressionConfig snap = config("snapkv");
        KvStorage base = storage(QuantScheme.REFERENCE);
        int smallest = snap.window() + 1;
        long two = ByteBudgetPlanner.bytes(LAYOUT, base.withBits(2), snap, smallest, N, M);
        long four = ByteBudgetPlanner.bytes(LAYOUT, base.withBits(4), snap, smallest, N, M);
        assertTrue(two < four);
        ByteBudgetPlan plan = ByteBudgetPlanner.plan((two + four) / 2, LAYOUT, snap, base, N, M);
        assertEquals(2, plan.storage().bits(), plan.reason());
        assertTrue(plan.reason().contains("at 4 bits even its smallest budget did not fit"), plan.reason());
        assertHolds(plan, fill(plan));
    }

    @Test
    void tooSmallForAnyConfigurationIsOneLine() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ByteBudgetPlanner.plan(500, LAYOUT, config("windowkv"), storage(QuantScheme.KIVI), N, M));
        assertTrue(e.getMessage().contains("too small for any configuration"), e.getMessage());
        assertEquals(1, e.getMessage().lines().count());
        IllegalArgumentException full = assertThrows(IllegalArgumentException.class,
                () -> ByteBudgetPlanner.plan(FULL16 / 6, LAYOUT, config("full"), storage(QuantScheme.KIVI), N, M));
        assertTrue(full.getMessage().contains("method full prunes nothing"), full.getMessage());
    }

    @Test
    void groupSizesTheCodesCannotUseAreNamed() {
        // 2-bit kivi with G = 5: 5 does not divide the 16 channels.
        IllegalArgumentException kivi = assertThrows(IllegalArgumentException.class, () -> ByteBudgetPlanner.plan(
                FULL16 / 6, LAYOUT, config("snapkv"), KvStorage.of(2).withQuantization(QuantScheme.KIVI, 5, 0), N, M));
        assertTrue(kivi.getMessage().contains("--quant-group 5 must divide the head dimension 16"), kivi.getMessage());
        // reference with G = 24: 24 does not divide 2 heads x 16 channels.
        IllegalArgumentException ref = assertThrows(IllegalArgumentException.class, () -> ByteBudgetPlanner.plan(
                FULL16 / 6, LAYOUT, config("snapkv"), KvStorage.of(2).withQuantization(QuantScheme.REFERENCE, 24, 0), N, M));
        assertTrue(ref.getMessage().contains("--quant-group 24"), ref.getMessage());
        // A budget that fits at 16 bits never needs the codes, so the group does not matter there.
        assertEquals(16, ByteBudgetPlanner.plan(FULL16, LAYOUT, config("snapkv"),
                KvStorage.of(2).withQuantization(QuantScheme.KIVI, 5, 0), N, M).storage().bits());
    }

    @Test
    void layerQuantIsRefused() {
        KvStorage lq = storage(QuantScheme.KIVI).withBits(4).withLayerQuant(0, 2, 8, false);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ByteBudgetPlanner.plan(FULL16, LAYOUT, config("snapkv"), lq, N, M));
        assertTrue(e.getMessage().contains("--layer-quant-bits"), e.getMessage());
    }
}
