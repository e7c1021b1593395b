package io.kvasir.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kvasir.model.GenerationRequest;
import io.kvasir.model.GenerationResult;
import io.kvasir.model.Generator;
import io.kvasir.model.Model;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The minimum-new-tokens rule (transformers' min_length, LongBench's "at least one new token"): on a copy of a
 * fixture model whose EOS id is made the greedy first token, EOS ends generation at once without the rule and is
 * replaced by the runner-up token with it.
 */
class MinNewTokensTest {
    @Test
    void eosIsMaskedForTheFirstTokensOnly(@TempDir Path tmp) throws Exception {
        Path original = Fixtures.model("qwen2-bias-f32");
        int[] prompt;
        GenerationResult plain;
        try (Model m = Model.load(original)) {
            prompt = m.tokenizer().encode("The quick brown fox", true);
            plain = new Generator(m).generate(GenerationRequest.greedy(prompt, 6), p -> { });
        }
        int first = plain.steps().get(0).id();
        int runnerUp = plain.steps().get(0).topIds()[1];

        Path dir = Fixtures.copyModel("qwen2-bias-f32", Files.createDirectory(tmp.resolve("m")));
        for (String f : new String[] {"config.json", "generation_config.json"}) {
            ObjectNode c = (ObjectNode) Fixtures.json(dir.resolve(f));
            c.put("eos_token_id", first);
            Files.writeString(dir.resolve(f), c.toString());
        }
        try (Model m = Model.load(dir)) {
            Generator g = new Generator(m);
            GenerationResult none = g.generate(GenerationRequest.greedy(prompt, 6), p -> { });
            assertEquals("eos", none.stopReason());
            assertEquals(1, none.steps().size());

            GenerationResult one = g.generate(GenerationRequest.greedy(prompt, 6).withMinNewTokens(1), p -> { });
            assertEquals(runnerUp, one.steps().get(0).id(), "the best token that is not EOS");
            assertTrue(one.steps().get(0).logprob() > plain.steps().get(0).topLogprobs()[1],
                    "renormalised without EOS, the runner-up gains probability");
            assertNotEquals(first, one.steps().get(0).id());

            GenerationResult three = g.generate(GenerationRequest.greedy(prompt, 6).withMinNewTokens(3), p -> { });
            for (int i = 0; i < Math.min(3, three.steps().size()); i++) assertNotEquals(first, three.steps().get(i).id());
            assertTrue(three.steps().size() >= 3, "no EOS before the minimum");
        }
    }
}
