package io.kvasir.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kvasir.compression.file.CacheFile;
import io.kvasir.compression.file.CacheFileException;
import io.kvasir.tokenizer.TokenizerFormatException;
import io.kvasir.tokenizer.Tokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Inputs the fuzzers found crashes with, as plain regression tests (issue #14 item 9). */
class FuzzFindingsTest {
    @TempDir
    Path dir;

    /** A huge added-token id sized the id-to-token array from it: OutOfMemoryError instead of one line. */
    @Test
    void hugeTokenIdIsRefusedNotAllocated() throws IOException {
        Files.writeString(dir.resolve("tokenizer.json"), """
                {"added_tokens": [{"id": 999999999, "content": "<x>", "special": true}],
                 "model": {"type": "BPE", "vocab": {"H": 0, "e": 1}, "merges": []}}
                """);
        var e = assertThrows(TokenizerFormatException.class, () -> Tokenizer.load(dir));
        assertEquals(dir.resolve("tokenizer.json") + ": token id 999999999 is outside [0, 16777216)", e.getMessage());
    }

    @Test
    void negativeVocabularyIdIsRefused() throws IOException {
        Files.writeString(dir.resolve("tokenizer.json"), """
                {"model": {"type": "BPE", "vocab": {"H": -1, "e": 1}, "merges": []}}
                """);
        var e = assertThrows(TokenizerFormatException.class, () -> Tokenizer.load(dir));
        assertEquals(dir.resolve("tokenizer.json") + ": token id -1 is outside [0, 16777216)", e.getMessage());
    }

    /**
     * A pre-tokenizer regex that does not compile (Jazzer's regex-injection sanitizer flagged it; the
     * format stores regexes, so compiling them is by design) must give one line, not Java's
     * three-line PatternSyntaxException message.
     */
    @Test
    void regexThatDoesNotCompileIsOneLine() throws IOException {
        Files.writeString(dir.resolve("tokenizer.json"), """
                {"pre_tokenizer": {"type": "Split", "pattern": {"Regex": "\\\\p{N~}+"}, "behavior": "Isolated", "invert": false},
                 "model": {"type": "BPE", "vocab": {"H": 0, "e": 1}, "merges": []}}
                """);
        var e = assertThrows(TokenizerFormatException.class, () -> Tokenizer.load(dir));
        assertTrue(e.getMessage().startsWith(dir.resolve("tokenizer.json") + ": regex "), e.getMessage());
        assertTrue(e.getMessage().contains("does not compile: Unknown character property name"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }

    /** A cache file whose GQA layout string held newlines: the error echoed them, two lines instead of one. */
    @Test
    void cacheFileTextWithControlCharactersIsShownOnOneLine() throws IOException {
        Path file = dir.resolve("cache.kvc");
        var e = refusedCacheFile("gqa-layout-with-control-characters", file);
        assertTrue(e.getMessage().startsWith(file + ": unknown GQA layout 'NATIVE?"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }

    /** A kvquant head stating 704 million outliers: the array was allocated before its section was checked. */
    @Test
    void cacheFileCountIsCheckedAgainstItsSectionBeforeAllocating() throws IOException {
        Path file = dir.resolve("cache.kvc");
        var e = refusedCacheFile("huge-outlier-count", file);
        assertEquals(file + ": layer 0 head 0: section 9 holds 140 bytes, its counts need 1409286144", e.getMessage());
    }

    /** The error reading a copy (at file) of a CacheFileFuzzTest seed. */
    private static CacheFileException refusedCacheFile(String seed, Path file) throws IOException {
        Files.copy(Path.of("src/test/resources/io/kvasir/fuzz/CacheFileFuzzTestInputs/read", seed), file);
        return assertThrows(CacheFileException.class, () -> CacheFile.read(file, CacheFileFuzzTest.MODEL));
    }
}
