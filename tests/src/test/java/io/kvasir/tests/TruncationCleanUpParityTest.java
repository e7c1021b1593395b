package io.kvasir.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.kvasir.bench.longbench.PromptTruncation;
import io.kvasir.tokenizer.Tokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #20 item 1: middle truncation decodes the kept halves as transformers 4.x did, with
 * clean_up_tokenization_spaces when the tokenizer config sets it. Fixture: KVCache-Factory run_longbench.py's
 * truncation lines run by tests/tools/parity_reference.py on our prompts (cleanup.json).
 */
class TruncationCleanUpParityTest {
    @Test
    void truncatedPromptsEqualTheReference(@TempDir Path tmp) throws IOException {
        JsonNode ref = ParityFixtures.json("cleanup");
        Map<String, Tokenizer> tokenizers = new HashMap<>();
        List<String> wrong = new ArrayList<>();
        int compared = 0;
        for (JsonNode c : ref.get("cases")) {
            String model = c.get("tokenizer").asText();
            boolean cleanUp = c.get("clean_up_tokenization_spaces").asBoolean();
            Tokenizer t = tokenizers.computeIfAbsent(model + cleanUp, k -> {
                try {
                    return ParityFixtures.tokenizer(model, cleanUp, Files.createDirectory(tmp.resolve(k)));
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            String got = PromptTruncation.truncateMiddle(t, c.get("prompt").asText(), c.get("limit").asInt());
            if (!got.equals(c.get("truncated").asText())) {
                wrong.add(model + " clean_up=" + cleanUp + " limit " + c.get("limit"));
            }
            compared++;
        }
        assertEquals(144, compared);
        // the fixture exercises the flag: these truncations come out different without the clean-up
        assertTrue(ref.get("cases_where_clean_up_changes_the_text").asInt() > 0);
        assertEquals(List.of(), wrong);
    }
}
