package io.kvasir.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.kvasir.bench.JsonlFile;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

/**
 * The benchmark JSON-lines reader: data files read strictly, and result files whose torn last line is
 * repaired. Both must end in one line naming FILE:LINE on anything else. Seeds: JsonlFileFuzzTestInputs/.
 */
class JsonlFileFuzzTest {
    private static final Path FILE = ParserContract.scratch().resolve("results.jsonl");

    @FuzzTest(maxDuration = "20s")
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void read(byte[] bytes) {
        ParserContract.write(FILE, bytes);
        ParserContract.parse(IllegalArgumentException.class, () -> JsonlFile.read(FILE));
        ParserContract.parse(IllegalArgumentException.class, () -> JsonlFile.readResults(FILE));
    }
}
