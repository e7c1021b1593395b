package io.kvasir.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.kvasir.bench.ruler.RulerGenerator;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue #20 item 8 (RULER): the prompt templates `kvasir ruler --generate-length` writes are the ones NVIDIA/RULER's
 * prepare.py and niah.py build for synthetic.yaml's tasks (ruler.json, made by parity_reference.py), including
 * niah's singular wording for one query and one value, and the tokens_to_generate each task's sizing leaves for
 * the answer. qa_1/qa_2 need SQuAD/HotpotQA and are not generated.
 */
class RulerTemplateParityTest {
    @Test
    void templatesEqualRulers() {
        JsonNode ref = ParityFixtures.json("ruler");
        List<String> compared = new ArrayList<>();
        for (var e : ref.get("tasks").properties()) {
            String task = e.getKey();
            if (!RulerGenerator.canGenerate(task)) continue;
            String template = RulerGenerator.promptTemplate(task).orElseThrow();
            assertEquals(e.getValue().get("template").asText(), template, task);
            assertEquals(e.getValue().get("tokens_to_generate").asInt(), RulerGenerator.tokensToGenerate(task), task);
            compared.add(task);
        }
        assertEquals(11, compared.size(), compared.toString());
    }
}
