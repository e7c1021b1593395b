package io.kvasir.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.kvasir.safetensors.SafetensorsFile;
import io.kvasir.safetensors.SafetensorsFormatException;
import io.kvasir.safetensors.Tensor;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

/** Whole .safetensors files: length prefix, JSON header and data section. Seeds: SafetensorsHeaderFuzzTestInputs/. */
class SafetensorsHeaderFuzzTest {
    private static final Path FILE = ParserContract.scratch().resolve("model.safetensors");

    @FuzzTest(maxDuration = "20s")
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void open(byte[] bytes) {
        ParserContract.write(FILE, bytes);
        ParserContract.parse(SafetensorsFormatException.class, () -> {
            try (SafetensorsFile file = SafetensorsFile.open(FILE)) {
                // An accepted header must give tensors whose every byte can be read.
                for (Tensor t : file.tensors()) {
                    t.firstNonFinite();
                    if (t.elementCount() > 0) {
                        t.getFloat(t.elementCount() - 1);
                    }
                }
            }
        });
    }
}
