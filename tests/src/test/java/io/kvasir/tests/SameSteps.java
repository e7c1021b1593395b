package io.kvasir.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Two in-process runs that must compute the same thing: the same tokens, and log-probs equal up to
 * the float rounding that differs between the JIT's tiers (a first run is partly interpreted, a later
 * one uses the Vector API intrinsics; measured differences are about 1e-6).
 */
final class SameSteps {
    static final double JIT_ROUNDING = 1e-5;

    private SameSteps() {}

    static void assertSameSteps(JsonNode expected, JsonNode actual) {
        assertEquals(expected.get("output_ids"), actual.get("output_ids"));
        JsonNode e = expected.get("steps"), a = actual.get("steps");
        assertEquals(e.size(), a.size());
        for (int i = 0; i < e.size(); i++) {
            JsonNode et = e.get(i).get("top"), at = a.get(i).get("top");
            for (int k = 0; k < et.size(); k++) {
                assertEquals(et.get(k).get(0).asInt(), at.get(k).get(0).asInt(), "step " + i + " rank " + k);
                assertEquals(et.get(k).get(1).asDouble(), at.get(k).get(1).asDouble(), JIT_ROUNDING, "step " + i + " rank " + k);
            }
        }
    }
}
