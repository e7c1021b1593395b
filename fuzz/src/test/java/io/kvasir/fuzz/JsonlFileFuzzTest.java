package io.kvasir.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.kvasir.bench.JsonlFile;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

/**
 * The benchmark JSON-lines reader, through its public read API as it is; kept small because that
 * API is being reworked (issue #14 items 5 and 8). Seeds: JsonlFileFuzzTestInputs/.
 */
class JsonlFileFuzzTest {
    private static final Path FILE = ParserContract.scratch().resolve("results.jsonl");

    @FuzzTest(maxDuration = "20s")
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void readValid(byte[] bytes) {
        ParserContract.write(FILE, bytes);
        ParserContract.parse(UncheckedIOException.class, () -> JsonlFile.readValid(FILE));
    }
}
