package io.kvasir.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** JSON never holds a number as a string: non-finite values become null, finite ones stay numbers. */
class JsonTest {

    private record Step(double logprob, float score) {}

    @Test
    void nonFiniteNumbersAreWrittenAsNull() throws Exception {
        ObjectNode o = Json.object();
        o.put("nan", Double.NaN);
        o.put("inf", Float.POSITIVE_INFINITY);
        o.put("ninf", Double.NEGATIVE_INFINITY);
        o.put("ok", -0.25);
        o.putArray("a").add(Float.NaN).add(1.5f);
        o.set("pojo", Json.MAPPER.valueToTree(new Step(Double.NaN, Float.NEGATIVE_INFINITY)));
        String compact = Json.MAPPER.copy().disable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(o)
                .replace(" ", "");
        assertEquals("{\"nan\":null,\"inf\":null,\"ninf\":null,\"ok\":-0.25,\"a\":[null,1.5],"
                + "\"pojo\":{\"logprob\":null,\"score\":null}}", compact);
    }

    @Test
    void writeKeepsIndentationAndPlainValues() throws Exception {
        String text = Json.write(Map.of("x", Double.NaN));
        assertEquals("{\n  \"x\" : null\n}", text.replace("\r\n", "\n"));
        assertEquals("[1.0,null]", Json.MAPPER.copy().disable(SerializationFeature.INDENT_OUTPUT)
                .writeValueAsString(new double[] {1.0, Double.POSITIVE_INFINITY}));
    }
}
