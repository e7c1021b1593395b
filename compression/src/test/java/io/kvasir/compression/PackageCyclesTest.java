package io.kvasir.compression;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The compression packages form a hierarchy (method packages and the cache over the policy contract
 * and the scoring primitives, the configuration and registry over them, the byte budget on top): no
 * package may reach itself through the imports of the main sources.
 */
class PackageCyclesTest {
    static final Path SOURCES = Path.of("src/main/java");
    static final Pattern PACKAGE = Pattern.compile("^package ([\\w.]+);", Pattern.MULTILINE);
    static final Pattern IMPORT = Pattern.compile("^import (?:static )?(io\\.kvasir\\.compression[\\w.]*?)\\.[A-Z]",
            Pattern.MULTILINE);

    /** Package to the other compression packages its files import. */
    static Map<String, Set<String>> imports() throws IOException {
        Map<String, Set<String>> graph = new TreeMap<>();
        List<Path> files;
        try (Stream<Path> s = Files.walk(SOURCES)) {
            files = s.filter(p -> p.toString().endsWith(".java")).toList();
        }
        for (Path f : files) {
            String src = Files.readString(f);
            Matcher pkg = PACKAGE.matcher(src);
            assertTrue(pkg.find(), f + " has no package line");
            Set<String> out = graph.computeIfAbsent(pkg.group(1), k -> new TreeSet<>());
            for (Matcher m = IMPORT.matcher(src); m.find(); ) {
                if (!m.group(1).equals(pkg.group(1))) out.add(m.group(1));
            }
        }
        return graph;
    }

    /** A path from a package back to itself, or null. */
    static List<String> cycle(Map<String, Set<String>> graph) {
        Map<String, Integer> state = new TreeMap<>(); // 1 on the current path, 2 done
        for (String start : new TreeSet<>(graph.keySet())) {
            List<String> path = new ArrayList<>();
            List<String> found = visit(start, graph, state, path);
            if (found != null) return found;
        }
        return null;
    }

    private static List<String> visit(String p, Map<String, Set<String>> graph, Map<String, Integer> state,
                                      List<String> path) {
        Integer s = state.get(p);
        if (s != null && s == 2) return null;
        path.add(p);
        if (s != null) return path.subList(path.indexOf(p), path.size());
        state.put(p, 1);
        for (String q : new TreeSet<>(graph.getOrDefault(p, Set.of()))) {
            List<String> found = visit(q, graph, state, path);
            if (found != null) return found;
        }
        state.put(p, 2);
        path.removeLast();
        return null;
    }

    @Test
    void noPackageReachesItself() throws IOException {
        Map<String, Set<String>> graph = imports();
        assertTrue(graph.size() >= 10, "expected the compression packages, found " + graph.keySet());
        assertEquals(null, cycle(graph), "package import cycle; graph: " + graph);
    }

    @Test
    void theCheckFindsACycle() {
        assertEquals(List.of("a", "b", "c", "a"), cycle(Map.of("a", Set.of("b"), "b", Set.of("c"), "c", Set.of("a"))));
        assertEquals(null, cycle(Map.of("a", Set.of("b", "c"), "b", Set.of("c"), "c", Set.of())));
    }
}
