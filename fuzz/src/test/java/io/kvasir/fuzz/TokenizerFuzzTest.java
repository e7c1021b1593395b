package io.kvasir.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.kvasir.tokenizer.TokenizerFormatException;
import io.kvasir.tokenizer.Tokenizer;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

/** tokenizer.json; an accepted tokenizer must also encode and decode a fixed text. Seeds: TokenizerFuzzTestInputs/. */
class TokenizerFuzzTest {
    private static final Path DIR = ParserContract.scratch();

    @FuzzTest(maxDuration = "20s")
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void load(byte[] bytes) {
        ParserContract.write(DIR.resolve("tokenizer.json"), bytes);
        ParserContract.parse(TokenizerFormatException.class, () -> {
            Tokenizer t = Tokenizer.load(DIR);
            int[] ids = t.encode("Hello, world! 12 héllo <s>\n", true);
            t.decode(ids, false);
        });
    }
}
