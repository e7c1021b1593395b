package io.kvasir.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The documentation holds together in a clone: every relative Markdown link and every
 * {@code docs/<page>.md#<heading>} reference in a Java or Markdown file names a file inside the repository
 * and, with an anchor, a heading of that file; and no Java file cites the numbered sections of the
 * design notes that lived outside the repository.
 */
class DocsLinksTest {
    /** Tests run in the tests module's folder. */
    private static final Path REPO = Path.of("..").toAbsolutePath().normalize();
    private static final Set<String> SKIPPED_DIRS = Set.of("target", "node_modules", "__pycache__");
    private static final Pattern FENCE = Pattern.compile("^\\s*(```|~~~)");
    private static final Pattern HEADING = Pattern.compile("^#{1,6}\\s+(.*?)\\s*#*\\s*$");
    private static final Pattern INLINE_CODE = Pattern.compile("`[^`]*`");
    private static final Pattern MARKDOWN_LINK = Pattern.compile("!?\\[(?:[^\\]\\[]|\\[[^\\]]*\\])*\\]\\(\\s*<?([^)\\s>]+)>?(?:\\s+\"[^\"]*\")?\\s*\\)");
    private static final Pattern REFERENCE_LINK = Pattern.compile("^\\s{0,3}\\[[^\\]]+\\]:\\s*<?(\\S+?)>?(?:\\s.*)?$");
    /** A repository-relative docs reference in prose or comments, e.g. docs/methods/snapkv.md#pooling. */
    private static final Pattern DOCS_REFERENCE = Pattern.compile("(?<![\\w./-])docs/[\\w./-]*\\.md(?:#[\\w-]+)?");
    private static final Pattern LINK_TEXT = Pattern.compile("!?\\[([^\\]]*)\\]\\([^)]*\\)");
    private static final Pattern OLD_SPEC_CITATION = Pattern.compile(
            "(?i)\\bspec(?:'s)?:?\\s+(?:section\\s+)?I?\\d|\\bspec's\\b|\\b(?:baselines|windowkv) spec\\b");

    @Test
    void everyDocumentationLinkResolves() throws IOException {
        assertEquals(List.of(), brokenLinks(REPO), "broken documentation links (file: link: problem)");
    }

    @Test
    void noJavaFileCitesTheOldSpecSections() throws IOException {
        List<String> citations = new ArrayList<>();
        for (Path file : files(REPO, ".java")) {
            List<String> lines = Files.readAllLines(file);
            for (int i = 0; i < lines.size(); i++) {
                if (OLD_SPEC_CITATION.matcher(lines.get(i)).find()) {
                    citations.add(REPO.relativize(file) + ":" + (i + 1) + ": " + lines.get(i).strip());
                }
            }
        }
        assertEquals(List.of(), citations, "cite a docs/ page and heading instead (docs/methods/<method>.md#<heading>)");
    }

    @Test
    void anchorsFollowGitHubsRule() {
        // Hand-derived from GitHub's rule: lowercase, punctuation dropped, each space a hyphen, repeats numbered.
        Map<String, Integer> seen = new HashMap<>();
        assertEquals("where-things-live", anchor("Where things live", seen));
        assertEquals("gqa-native-or-repeat", anchor("GQA: native or repeat", seen));
        assertEquals("snapkv---method-snapkv", anchor("SnapKV (`--method snapkv`)", seen));
        assertEquals("kivi-quantized-cache---kv-bits-842---quant-kivi",
                anchor("KIVI quantized cache (`--kv-bits 8|4|2`, `--quant kivi`)", seen));
        assertEquals("see-the-readme", anchor("See [the README](../README.md)", seen));
        assertEquals("top-k-and-ties", anchor("Top-k and ties", seen));
        assertEquals("top-k-and-ties-1", anchor("Top-k and ties", seen));
    }

    @Test
    void brokenLinksAreFoundAndGoodOnesPass(@TempDir Path root) throws IOException {
        // Spelled in pieces so that this file's own scan does not take them for links into the real docs.
        String page = "docs/methods/" + "a.md";
        Files.createDirectories(root.resolve(page).getParent());
        Files.writeString(root.resolve(page), String.join("\n",
                "# Page A", "## Rule one", "```", "# not a heading", "[inside a fence](nowhere.md)", "```",
                "[ok](../../b.md) [ok anchor](#rule-one) [ok other](../../b.md#b-heading) `[code](nowhere.md)`",
                "[no file](missing.md) [no heading](../../b.md#nope) [outside](../../../elsewhere/x.md)",
                "[web](https://example.org/x.md) [fenced heading](#not-a-heading)"));
        Files.writeString(root.resolve("b.md"), "# B heading\n");
        Files.createDirectories(root.resolve("src"));
        Files.writeString(root.resolve("src/C.java"), "/** See " + page + "#rule-one, " + page + "#gone and docs/"
                + "none.md. */ class C {}\n");

        assertEquals(List.of(
                page + ": missing.md: no such file",
                page + ": ../../b.md#nope: no heading with anchor 'nope' in b.md",
                page + ": ../../../elsewhere/x.md: outside the repository",
                page + ": #not-a-heading: no heading with anchor 'not-a-heading' in " + page,
                "src/C.java: " + page + "#gone: no heading with anchor 'gone' in " + page,
                "src/C.java: docs/" + "none.md: no such file"), brokenLinks(root));
    }

    /** Every broken link under root, as "file: link: problem", in file order. */
    static List<String> brokenLinks(Path root) throws IOException {
        List<String> problems = new ArrayList<>();
        Map<Path, Set<String>> anchorCache = new HashMap<>();
        List<Path> sources = new ArrayList<>(files(root, ".md"));
        sources.addAll(files(root, ".java"));
        sources.sort(null);
        for (Path file : sources) {
            boolean markdown = file.toString().endsWith(".md");
            for (String line : prose(Files.readAllLines(file), markdown)) {
                if (markdown) {
                    for (String target : markdownTargets(line)) {
                        check(root, file, file.getParent(), target, anchorCache, problems);
                    }
                }
                Matcher m = DOCS_REFERENCE.matcher(line);
                while (m.find()) {
                    check(root, file, root, m.group(), anchorCache, problems);
                }
            }
        }
        return problems;
    }

    private static void check(Path root, Path file, Path base, String link, Map<Path, Set<String>> anchorCache,
                              List<String> problems) throws IOException {
        if (link.matches("(?i)[a-z][a-z0-9+.-]*:.*")) {
            return; // https:, mailto: and the like are not checked here
        }
        int hash = link.indexOf('#');
        String path = hash < 0 ? link : link.substring(0, hash);
        String fragment = hash < 0 ? null : link.substring(hash + 1);
        Path target = path.isEmpty() ? file : base.resolve(path).normalize();
        String prefix = root.relativize(file).toString().replace('\\', '/') + ": " + link + ": ";
        if (!target.startsWith(root)) {
            problems.add(prefix + "outside the repository");
        } else if (!Files.exists(target)) {
            problems.add(prefix + "no such file");
        } else if (fragment != null && target.toString().endsWith(".md")
                && !anchorCache.computeIfAbsent(target, DocsLinksTest::anchors).contains(fragment)) {
            problems.add(prefix + "no heading with anchor '" + fragment + "' in "
                    + root.relativize(target).toString().replace('\\', '/'));
        }
    }

    /** Lines outside fenced code blocks (Markdown), with inline code removed; Java lines as they are. */
    private static List<String> prose(List<String> lines, boolean markdown) {
        if (!markdown) {
            return lines;
        }
        List<String> out = new ArrayList<>();
        boolean fenced = false;
        for (String line : lines) {
            if (FENCE.matcher(line).find()) {
                fenced = !fenced;
            } else if (!fenced) {
                out.add(INLINE_CODE.matcher(line).replaceAll(""));
            }
        }
        return out;
    }

    private static List<String> markdownTargets(String line) {
        List<String> targets = new ArrayList<>();
        Matcher m = MARKDOWN_LINK.matcher(line);
        while (m.find()) {
            targets.add(m.group(1));
        }
        Matcher r = REFERENCE_LINK.matcher(line);
        if (r.matches()) {
            targets.add(r.group(1));
        }
        return targets;
    }

    /** The anchors GitHub gives the headings of a Markdown file. */
    private static Set<String> anchors(Path markdown) {
        try {
            Set<String> out = new HashSet<>();
            Map<String, Integer> seen = new HashMap<>();
            boolean fenced = false;
            for (String line : Files.readAllLines(markdown)) {
                if (FENCE.matcher(line).find()) {
                    fenced = !fenced;
                    continue;
                }
                Matcher h = HEADING.matcher(line);
                if (!fenced && h.matches()) {
                    out.add(anchor(h.group(1), seen));
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * GitHub's heading anchor: link text in place of links, lowercase, every character that is not a
     * letter, digit, space, hyphen or underscore dropped, each space a hyphen; a repeated anchor gets
     * -1, -2, ... in order.
     */
    static String anchor(String heading, Map<String, Integer> seen) {
        String text = LINK_TEXT.matcher(heading).replaceAll("$1").toLowerCase(Locale.ROOT);
        StringBuilder slug = new StringBuilder();
        text.codePoints().forEach(c -> {
            if (Character.isLetterOrDigit(c) || c == '-' || c == '_') {
                slug.appendCodePoint(c);
            } else if (c == ' ') {
                slug.append('-');
            }
        });
        String base = slug.toString();
        int n = seen.merge(base, 1, Integer::sum) - 1;
        return n == 0 ? base : base + "-" + n;
    }

    private static List<Path> files(Path root, String suffix) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(p -> p.toString().endsWith(suffix) && Files.isRegularFile(p))
                    .filter(p -> root.relativize(p).getParent() == null || visible(root.relativize(p).getParent()))
                    .sorted()
                    .toList();
        }
    }

    /** False when some folder on the path is hidden or a build output. */
    private static boolean visible(Path folders) {
        for (Path part : folders) {
            String name = part.toString();
            if (name.startsWith(".") || SKIPPED_DIRS.contains(name)) {
                return false;
            }
        }
        return true;
    }
}
