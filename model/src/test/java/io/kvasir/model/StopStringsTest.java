package io.kvasir.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class StopStringsTest {
    @Test
    void holdsBackAPossibleStopAndCutsBeforeIt() {
        StopStrings s = new StopStrings(List.of("END"));
        assertEquals("hel", s.accept("hello")); // the last 2 characters could begin "END": held
        assertEquals("lo ", s.accept(" EN"));
        assertFalse(s.stopped());
        assertEquals("", s.accept("D!"));
        assertTrue(s.stopped());
        assertEquals("", s.finish());
    }

    @Test
    void releasesHeldTextAtTheEnd() {
        StopStrings s = new StopStrings(List.of("###"));
        assertEquals("a", s.accept("a##"));
        assertEquals("##", s.finish());
    }

    @Test
    void withoutStopStringsEverythingPassesThrough() {
        StopStrings s = new StopStrings(List.of());
        assertEquals("abc", s.accept("abc"));
    }
}
