package io.kvasir.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.kvasir.bench.longbench.ReferenceProfile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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

    @Test
    void runMetadataRecordsTheLimitAndItsSource(@TempDir Path tmp) throws Exception {
        // a model folder whose path names Llama-3, as the repositories' lookup reads it
        Path model = Fixtures.copyModel("llama-gqa-bf16", Files.createDirectory(tmp.resolve("Meta-Llama-3-fixture")));
        Path lb = tmp.resolve("lb");
        Cli l = Cli.run("longbench", "--model", model.toString(), "--data",
                Fixtures.ROOT.resolve("longbench/data").toString(), "--datasets", "trec", "--out", lb.toString(),
                "--profile", "official", "--limit", "1");
        assertEquals(0, l.exitCode(), l.err());
        JsonNode run = Fixtures.json(lb.resolve("run.json"));
        assertEquals(7500, run.get("max_input_tokens").asInt());
        assertEquals(ReferenceProfile.of("official").limitSource(), run.get("max_input_tokens_source").asText());
        Path ru = tmp.resolve("ru");
        Cli r = Cli.run("ruler", "--model", model.toString(), "--data", Fixtures.ROOT.resolve("ruler").toString(),
                "--tasks", "niah_single_1", "--out", ru.toString(), "--limit", "1");
        assertEquals(0, r.exitCode(), r.err());
        JsonNode meta = Fixtures.json(ru.resolve("result.json")).get("_meta");
        assertEquals(7950, meta.get("max_input_tokens").asInt());
        assertEquals(ReferenceProfile.of("paper").limitSource(), meta.get("max_input_tokens_source").asText());
    }
}
