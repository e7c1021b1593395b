package io.kvasir.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.kvasir.bench.NewlineToken;
import io.kvasir.model.GenerationRequest;
import io.kvasir.model.GenerationResult;
import io.kvasir.model.Generator;
import io.kvasir.model.Model;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #20 item 5: the newline stop is the newline token id added to the EOS ids, as KVCache-Factory's needle
 * and samsum runs do; a token that only contains "\n" does not stop. Fixture: stops.json, transformers generate()
 * of the fixture models with the reference's eos_token_id list and its decode-and-strip of the answer.
 */
class NewlineStopParityTest {
    @Test
    void answersEqualTransformersWithTheReferenceStopIds(@TempDir Path tmp) throws Exception {
        JsonNode ref = ParityFixtures.json("stops");
        int compared = 0;
        int stoppedOnNewline = 0;
        int newlineInside = 0;
        int oldRuleDiffers = 0; // answers a cut at the first "\n" of the text would have changed
        for (JsonNode run : ref.get("runs")) {
            String name = run.get("model").asText();
            Path dir = Fixtures.copyModel(name, Files.createDirectory(tmp.resolve(name)));
            ParityFixtures.setCleanUp(dir, run.get("clean_up_tokenization_spaces").asBoolean());
            try (Model model = Model.load(dir)) {
                assertEquals(run.get("newline_token").asInt(), NewlineToken.id(model.tokenizer()), name);
                Generator g = new Generator(model);
                for (JsonNode c : run.get("cases")) {
                    int[] prompt = Fixtures.ints(c.get("prompt_ids"));
                    assertArrayEquals(prompt, model.tokenizer().encode(c.get("prompt").asText(), true));
                    GenerationResult r = g.generate(GenerationRequest.greedy(prompt, ref.get("max_new_tokens").asInt())
                            .withExtraEosIds(NewlineToken.id(model.tokenizer())), s -> { });
                    assertArrayEquals(Fixtures.ints(c.get("output_ids")), r.outputIds(), name + ": " + c.get("prompt"));
                    assertEquals(c.get("response").asText(),
                            model.tokenizer().decodeAsTransformers4(r.outputIds(), true).strip());
                    compared++;
                    if (c.get("stopped_on_newline").asBoolean()) stoppedOnNewline++;
                    if (c.get("newline_inside_other_tokens").asInt() > 0) newlineInside++;
                    if (c.get("old_rule_response_differs").asBoolean()) oldRuleDiffers++;
                }
            }
        }
        assertEquals(48, compared);
        assertTrue(stoppedOnNewline > 0 && newlineInside > 0, "the fixture must show both stops and non-stops");
        assertEquals(List.of(4, 15, 15), List.of(stoppedOnNewline, newlineInside, oldRuleDiffers));
    }
}
