package io.kvasir.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.kvasir.bench.longbench.ReferenceProfile;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/**
 * Issue #20 item 2: each --profile's input limit per model path is the limit its repository's own
 * model2maxlen lookup gives (paper: QPruningKV, official: KVCache-Factory), for LongBench and RULER alike, and
 * the metadata names the file:line. Fixture: limits.json, the tables and loops run by parity_reference.py.
 */
class InputLimitParityTest {
    @Test
    void limitsPerModelPathEqualTheRepositories() {
        JsonNode ref = ParityFixtures.json("limits");
        int compared = 0;
        for (JsonNode repo : ref.get("repositories")) {
            ReferenceProfile profile = repo.get("repo").asText().equals("qpruningkv") ? ReferenceProfile.of("paper")
                    : ReferenceProfile.of("official");
            String where = repo.get("file").asText() + ":" + repo.get("line").asInt();
            assertTrue(profile.limitSource().contains(where), profile.limitSource() + " should cite " + where);
            assertTrue(profile.limitSource().contains(repo.get("commit").asText().substring(0, 7)));
            for (var e : repo.get("limit_by_model_path").properties()) {
                OptionalInt want = e.getValue().isNull() ? OptionalInt.empty() : OptionalInt.of(e.getValue().asInt());
                assertEquals(want, profile.limit(e.getKey()), profile.flag() + " " + e.getKey());
                compared++;
            }
        }
        assertEquals(32, compared);
    }
}
