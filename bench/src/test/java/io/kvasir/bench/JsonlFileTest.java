package io.kvasir.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one JSON-lines reader: data files strictly (every error FILE:LINE), result files with a torn tail repaired. */
class JsonlFileTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static String error(Path file, boolean results) {
        return assertThrows(IllegalArgumentException.class,
                () -> { if (results) JsonlFile.readResults(file); else JsonlFile.read(file); }).getMessage();
    }

    @Test
    void dataLinesKeepTheirNumbersAndEveryFaultNamesFileAndLine(@TempDir Path tmp) throws IOException {
        Path f = tmp.resolve("task.jsonl");
        Files.writeString(f, "{\"input\": \"a\", \"outputs\": [\"x\"]}\r\n\n{\"input\": \"b\"}\n");
        List<JsonlFile.Line> rows = JsonlFile.read(f);
        assertEquals(List.of(1, 3), rows.stream().map(JsonlFile.Line::number).toList(), "blank line skipped, CRLF read");
        assertEquals("a", rows.get(0).requireText("input"));
        assertEquals(f + ":3: no 'outputs' field",
                assertThrows(IllegalArgumentException.class, () -> rows.get(1).requireArray("outputs")).getMessage());
        assertEquals(f + ":1: 'input' is not a list",
                assertThrows(IllegalArgumentException.class, () -> rows.get(0).requireArray("input")).getMessage());

        Files.writeString(f, "{\"input\": \"a\"}\n{\"input\": \n{\"input\": \"c\"}\n");
        assertEquals(f + ":2: not valid JSON", error(f, false));
        Files.writeString(f, "{\"input\": \"a\"} {\"input\": \"b\"}\n");
        assertEquals(f + ":1: not valid JSON", error(f, false), "two objects on one line");
        Files.writeString(f, "{\"input\": \"a\"}\n[1, 2]\n");
        assertEquals(f + ":2: not a JSON object", error(f, false));
        Files.write(f, new byte[] {'{', '}', '\n', '{', '}', '\n', '{', '"', 'a', '"', ':', '"', (byte) 0xC3, '"', '}', '\n'});
        assertEquals(f + ":3: not valid UTF-8", error(f, false));
        Files.writeString(f, "");
        assertEquals(List.of(), JsonlFile.read(f));
    }

    @Test
    void onlyTheLastLineOfAResultFileMayBeTornAndIsRepaired(@TempDir Path tmp) throws IOException {
        Path f = tmp.resolve("pred.jsonl");
        assertEquals(List.of(), JsonlFile.readResults(f), "absent: nothing done yet");
        Files.writeString(f, "{\"i\": 1}\n{\"i\": 2}\n{\"i\": 3, \"pr");
        assertEquals(List.of(JSON.readTree("{\"i\": 1}"), JSON.readTree("{\"i\": 2}")), JsonlFile.readResults(f));
        assertEquals("{\"i\": 1}\n{\"i\": 2}\n", Files.readString(f), "torn tail removed, so the next append starts clean");
        assertEquals(List.of(), List.of(Files.list(tmp).filter(p -> !p.equals(f)).toArray()), "no temporary file left");

        Files.writeString(f, "{\"i\": 1}");
        assertEquals(1, JsonlFile.readResults(f).size());
        assertEquals("{\"i\": 1}\n", Files.readString(f), "a whole last line without its newline gets one");
        JsonlFile.append(f, JSON.readTree("{\"i\": 2}"));
        assertEquals(2, JsonlFile.readResults(f).size());

        Files.writeString(f, "{\"i\": 1}\n{\"i\": \n{\"i\": 3}\n");
        assertEquals(f + ":2: not valid JSON (only a last line cut by an interrupted run is repaired)", error(f, true));
        assertEquals("{\"i\": 1}\n{\"i\": \n{\"i\": 3}\n", Files.readString(f), "a file kvasir did not write is left alone");
    }
}
