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
 * The haystack and needle insertion of docs/benchmarks.md#haystack-and-needle as KVCache-Factory's
 * run_needle_in_haystack.py does it (c97f9d7): no special tokens when tokenizing, special tokens skipped and
 * transformers 4.x's clean-up when decoding, essay files sorted by name and read in Python's text mode, the needle
 * after one of the reference's period ids.
 */
public final class Haystack {
    private final Tokenizer tokenizer;
    private final String text;
    private final int[] tokens;
    private final PeriodTokens periods;

    private Haystack(Tokenizer tokenizer, String text, int[] tokens, PeriodTokens periods) {
        this.tokenizer = tokenizer;
        this.text = text;
        this.tokens = tokens;
        this.periods = periods;
    }

    /** The sorted *.txt files of dir (or the built-in text when dir is null), repeated to at least minTokens. */
    public static Haystack load(Tokenizer tokenizer, Path dir, int minTokens, PeriodTokens periods) {
        String text = dir == null ? builtIn() : readDir(dir);
        if (text.isBlank()) throw new IllegalArgumentException("haystack text is empty");
        StringBuilder all = new StringBuilder(text);
        int[] ids = tokenizer.encode(all.toString(), false);
        while (ids.length < minTokens) {
            all.append(text);
            ids = tokenizer.encode(all.toString(), false);
        }
        return new Haystack(tokenizer, all.toString(), ids, periods);
    }

    /** The context text for one cell: haystack cut to length tokens, the needle inserted at depth percent. */
    public String context(int length, int depthPercent, String needle, int reserve) {
        // encode_and_trim: the text is decoded only when it is longer than the cell
        String cut = tokens.length > length
                ? tokenizer.decodeAsTransformers4(Arrays.copyOf(tokens, length), true) : text;
        int[] c = tokenizer.encode(cut, false);
        int[] n = tokenizer.encode(needle, false);
        int target = length - reserve;
        if (c.length + n.length > target) {
            // tokens_context[:context_length - len(tokens_needle)]: a negative end counts from the end in Python
            // (a cell shorter than the reserve plus the needle keeps all but that many tokens)
            int end = target - n.length;
            c = Arrays.copyOf(c, end >= 0 ? end : Math.max(0, c.length + end));
        }
        int[] joined;
        if (depthPercent >= 100) {
            joined = concat(c, n, new int[0]);
        } else {
            // int(len * (depth / 100)) in float64, as the reference: not always len * depth / 100 in integers
            int p = (int) (c.length * (depthPercent / 100.0));
            while (p > 0 && !periods.contains(c[p - 1])) p--;
            joined = concat(Arrays.copyOf(c, p), n, Arrays.copyOfRange(c, p, c.length));
        }
        return tokenizer.decodeAsTransformers4(joined, true);
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
        for (Path f : files(dir)) sb.append(pythonTextMode(Utf8File.read(f)));
        return sb.toString();
    }

    /** Python's open(file, 'r') reads with universal newlines: "\r\n" and a lone "\r" become "\n". */
    static String pythonTextMode(String text) {
        return text.replace("\r\n", "\n").replace('\r', '\n');
    }

    public static String builtIn() {
        try (InputStream in = Haystack.class.getResourceAsStream("haystack.txt")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
