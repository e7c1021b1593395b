package io.kvasir.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.kvasir.model.ModelConfig;
import io.kvasir.model.ModelFormatException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

/**
 * config.json and generation_config.json. The input is config.json's bytes, then optionally a zero
 * byte and generation_config.json's bytes, so the seed files stay readable text.
 * Seeds: ModelConfigFuzzTestInputs/.
 */
class ModelConfigFuzzTest {
    private static final Path DIR = ParserContract.scratch();

    @FuzzTest(maxDuration = "20s")
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void load(byte[] bytes) {
        int split = indexOfZero(bytes);
        ParserContract.write(DIR.resolve("config.json"), split < 0 ? bytes : Arrays.copyOf(bytes, split));
        Path gen = DIR.resolve("generation_config.json");
        if (split < 0) {
            ParserContract.delete(gen);
        } else {
            ParserContract.write(gen, Arrays.copyOfRange(bytes, split + 1, bytes.length));
        }
        ParserContract.parse(ModelFormatException.class, () -> ModelConfig.load(DIR));
    }

    private static int indexOfZero(byte[] bytes) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == 0) {
                return i;
            }
        }
        return -1;
    }
}
