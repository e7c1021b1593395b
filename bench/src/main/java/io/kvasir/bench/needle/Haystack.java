package io.kvasir.bench.needle;

import io.kvasir.bench.Utf8File;
import io.kvasir.tokenizer.Tokenizer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/**
 * The haystack and needle insertion of docs/benchmarks.md#haystack-and-needle (KVCache-Factory's fixed behaviour: no special tokens
 * when tokenizing, special tokens skipped when decoding, essay files sorted by name).
 */
public final class Haystack {
    private final Tokenizer tokenizer;
    private final int[] tokens;

    private Haystack(Tokenizer tokenizer, int[] tokens) {
        this.tokenizer = tokenizer;
        this.tokens = tokens;
    }

    /** The sorted *.txt files of dir (or the built-in text when dir is null), repeated to at least minTokens. */
    public static Haystack load(Tokenizer tokenizer, Path dir, int minTokens) {
        String text = dir == null ? builtIn() : readDir(dir);
        if (text.isBlank()) throw new IllegalArgumentException("haystack text is empty");
        StringBuilder all = new StringBuilder(text);
        int[] ids = tokenizer.encode(all.toString(), false);
        while (ids.length < minTokens) {
            all.append(text);
            ids = tokenizer.encode(all.toString(), false);
        }
        return new Haystack(tokenizer, ids);
    }

    /** The context text for one cell: haystack cut to length tokens, the needle inserted at depth percent. */
    public String context(int length, int depthPercent, String needle, int reserve) {
        String cut = tokenizer.decode(Arrays.copyOf(tokens, Math.min(length, tokens.length)), true);
        int[] c = tokenizer.encode(cut, false);
        int[] n = tokenizer.encode(needle, false);
        int target = length - reserve;
        if (c.length + n.length > target) c = Arrays.copyOf(c, Math.max(0, target - n.length));
        int[] joined;
        if (depthPercent >= 100) {
            joined = concat(c, n, new int[0]);
        } else {
            int p = (int) ((long) c.length * depthPercent / 100);
            while (p > 0 && !isPeriod(c[p - 1])) p--;
            joined = concat(Arrays.copyOf(c, p), n, Arrays.copyOfRange(c, p, c.length));
        }
        return tokenizer.decode(joined, true);
    }

    /** A token that decodes to "." (optionally with surrounding spaces): Llama-3 13, Mistral 842 and 28723. */
    private boolean isPeriod(int id) {
        return tokenizer.decode(new int[] {id}, true).strip().equals(".");
    }

    private static int[] concat(int[] a, int[] b, int[] c) {
        int[] out = Arrays.copyOf(a, a.length + b.length + c.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        System.arraycopy(c, 0, out, a.length + b.length, c.length);
        return out;
    }

    /** The files a --haystack folder contributes: its *.txt files in name order. */
    public static List<Path> files(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            List<Path> files = s.filter(p -> p.getFileName().toString().endsWith(".txt")).sorted().toList();
            if (files.isEmpty()) throw new IllegalArgumentException("no .txt files in --haystack " + dir);
            return files;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read haystack " + dir + ": " + e.getMessage(), e);
        }
    }

    private static String readDir(Path dir) {
        StringBuilder sb = new StringBuilder();
        for (Path f : files(dir)) sb.append(Utf8File.read(f));
        return sb.toString();
    }

    public static String builtIn() {
        try (InputStream in = Haystack.class.getResourceAsStream("haystack.txt")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
