package io.kvasir.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/**
 * Issue #14 item 4: the defaults run on every fixture (3 layers, head dimension 16), and a flag
 * named in an error is spelled as the user typed it.
 */
class DefaultsThatWorkTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String MODEL = Fixtures.model("llama-gqa-bf16").toString();

    static Cli generate(String... extra) {
        String[] base = {"generate", "--model", MODEL, "--prompt", "one two three four five six seven eight nine ten",
            "--max-new-tokens", "3", "--json"};
        String[] args = new String[base.length + extra.length];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        return Cli.run(args);
    }

    /** 3 layers: the largest divisor up to 8 is 3, one group, so the run equals --shared-layers 3. */
    @Test
    void windowKvRunsWithTheDefaultSharedLayers() throws Exception {
        for (String fixture : Fixtures.MODELS) {
            Cli r = Cli.run("generate", "--model", Fixtures.model(fixture).toString(), "--prompt",
                    "one two three four five six seven eight nine ten", "--max-new-tokens", "3", "--json",
                    "--method", "windowkv", "--budget", "4");
            assertEquals(0, r.exitCode(), fixture + ": " + r.err());
        }
        JsonNode auto = JSON.readTree(generate("--method", "windowkv", "--budget", "4").out());
        JsonNode three = JSON.readTree(generate("--method", "windowkv", "--budget", "4", "--shared-layers", "3").out());
        SameSteps.assertSameSteps(three, auto);
        assertEquals(three.get("kv").get("layers"), auto.get("kv").get("layers"));
        assertEquals(0, auto.get("kv").get("params").get("windowKv").get("sharedLayers").asInt(), "0 stands for auto");
    }

    /** Head dimension 16: the default group is 16, the largest power of two up to 32 dividing it. */
    @Test
    void fourBitCodesRunWithTheDefaultGroup() throws Exception {
        Cli r = generate("--kv-bits", "4");
        assertEquals(0, r.exitCode(), r.err());
        JsonNode kv = JSON.readTree(r.out()).get("kv");
        assertEquals(16, kv.get("quant_group").asInt());
        JsonNode explicit = JSON.readTree(generate("--kv-bits", "4", "--quant-group", "16").out());
        SameSteps.assertSameSteps(explicit, JSON.readTree(r.out()));
        assertEquals(explicit.get("kv").get("bytes"), kv.get("bytes"));
    }

    @Test
    void errorsNameTheFlagAsTyped() {
        for (String flag : new String[] {"--budget", "--budgets"}) {
            Cli r = generate(flag, "many");
            assertEquals(2, r.exitCode());
            assertTrue(r.err().contains("'" + flag + "'"), r.err());
            assertFalse(r.err().contains(flag.equals("--budget") ? "--budgets" : "'--budget'"), r.err());
        }
        Cli r = generate("--methods=snapkv,h2o");
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains("--method takes one value here"), r.err());
        Cli bad = generate("--method", "windowkv", "--shared-layers", "none");
        assertEquals(2, bad.exitCode());
        assertTrue(bad.err().contains("--shared-layers must be a positive number or auto, got 'none'"), bad.err());
    }
}
