package io.kvasir.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Result files (summary/result JSON and JSON lines) never hold a number as a string: non-finite values are null. */
class FiniteJsonFilesTest {

    private static ObjectNode scores() {
        ObjectNode o = new ObjectMapper().createObjectNode();
        o.put("overall", Double.NaN);
        o.put("ratio", Float.POSITIVE_INFINITY);
        o.put("ok", 0.5);
        return o;
    }

    @Test
    void jsonFilesWriteNonFiniteAsNull(@TempDir Path tmp) throws IOException {
        Path f = tmp.resolve("summary.json");
        AtomicFile.writeJson(f, scores());
        assertEquals("{\"overall\":null,\"ratio\":null,\"ok\":0.5}", Files.readString(f).replaceAll("\\s", ""));
    }

    @Test
    void jsonLinesWriteNonFiniteAsNull(@TempDir Path tmp) throws IOException {
        Path f = tmp.resolve("cells.jsonl");
        JsonlFile.append(f, scores());
        assertEquals("{\"overall\":null,\"ratio\":null,\"ok\":0.5}\n", Files.readString(f));
    }
}
