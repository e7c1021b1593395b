package io.kvasir.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * tokenizers' BPE model: a word is cut into characters (or byte-fallback tokens, or unk), then the
 * adjacent pair with the lowest merge rank is merged, leftmost first, until no pair has a rank.
 * A binary heap over (rank, position) with linked symbols keeps a word's encoding O(n log n).
 */
final class BpeModel {
    private static final int CACHE_CAPACITY = 10_000;
    private static final int CACHE_MAX_WORD = 256;

    private final Map<String, Integer> vocab;
    private final MergeTable merges;
    private final Integer unkId;
    private final boolean fuseUnk;
    private final boolean byteFallback;
    private final boolean ignoreMerges;
    private final String continuingSubwordPrefix;
    private final String endOfWordSuffix;
    private final int[] byteTokens = new int[256];
    private final Map<String, int[]> cache = new ConcurrentHashMap<>();

    private BpeModel(Map<String, Integer> vocab, MergeTable merges, Integer unkId, boolean fuseUnk,
                     boolean byteFallback, boolean ignoreMerges, String prefix, String suffix) {
        this.vocab = vocab;
        this.merges = merges;
        this.unkId = unkId;
        this.fuseUnk = fuseUnk;
        this.byteFallback = byteFallback;
        this.ignoreMerges = ignoreMerges;
        this.continuingSubwordPrefix = prefix;
        this.endOfWordSuffix = suffix;
        for (int b = 0; b < 256; b++) {
            byteTokens[b] = vocab.getOrDefault(String.format("<0x%02X>", b), -1);
        }
    }

    static BpeModel parse(JsonNode model) {
        String type = model.path("type").asText("BPE");
        if (!type.equals("BPE")) {
            throw new IllegalArgumentException("unsupported model type '" + type + "' (only BPE is supported)");
        }
        JsonNode vocabNode = model.get("vocab");
        if (vocabNode == null || !vocabNode.isObject()) {
            throw new IllegalArgumentException("model has no vocab object");
        }
        Map<String, Integer> vocab = new HashMap<>(vocabNode.size() * 2);
        vocabNode.properties().forEach(e -> vocab.put(e.getKey(), e.getValue().asInt()));
        String prefix = textOrNull(model.get("continuing_subword_prefix"));
        String suffix = textOrNull(model.get("end_of_word_suffix"));
        MergeTable merges = new MergeTable(model.path("merges").size());
        int rank = 0;
        for (JsonNode m : model.path("merges")) {
            String a;
            String b;
            if (m.isArray()) {
                if (m.size() != 2) {
                    throw new IllegalArgumentException("merge " + (rank + 1) + " is not a pair");
                }
                a = m.get(0).asText();
                b = m.get(1).asText();
            } else {
                String line = m.asText();
                if (line.startsWith("#version")) {
                    continue;
                }
                String[] parts = line.split(" ", -1);
                if (parts.length != 2) {
                    throw new IllegalArgumentException("merge " + (rank + 1) + " '" + line + "' is not two tokens");
                }
                a = parts[0];
                b = parts[1];
            }
            Integer ia = vocab.get(a);
            Integer ib = vocab.get(b);
            if (ia == null || ib == null) {
                throw new IllegalArgumentException("merge " + (rank + 1) + " uses '" + (ia == null ? a : b)
                        + "', which is not in the vocab");
            }
            int cut = prefix == null ? 0 : Math.min(prefix.length(), b.length());
            Integer merged = vocab.get(a + b.substring(cut));
            if (merged == null) {
                throw new IllegalArgumentException("merge " + (rank + 1) + " makes '" + a + b.substring(cut)
                        + "', which is not in the vocab");
            }
            merges.put(ia, ib, MergeTable.entry(rank, merged));
            rank++;
        }
        // an unk_token missing from the vocab only fails in tokenizers when it is needed; here it is unused
        String unk = textOrNull(model.get("unk_token"));
        Integer unkId = unk == null ? null : vocab.get(unk);
        return new BpeModel(vocab, merges, unkId, model.path("fuse_unk").asBoolean(false),
                model.path("byte_fallback").asBoolean(false), model.path("ignore_merges").asBoolean(false),
                prefix, suffix);
    }

    private static String textOrNull(JsonNode n) {
        return n == null || n.isNull() ? null : n.asText();
    }

    Map<String, Integer> vocab() {
        return vocab;
    }

    /** Encodes one pre-tokenized word, appending its ids to out. */
    void encode(String word, IntList out) {
        if (word.isEmpty()) {
            return;
        }
        if (ignoreMerges) {
            Integer id = vocab.get(word);
            if (id != null) {
                out.add(id);
                return;
            }
        }
        int[] cached = cache.get(word);
        if (cached == null) {
            cached = mergeWord(word);
            if (word.length() < CACHE_MAX_WORD && cache.size() < CACHE_CAPACITY) {
                cache.put(word, cached);
            }
        }
        out.addAll(cached);
    }

    private int[] mergeWord(String w) {
        IntList symbols = initialSymbols(w);
        int n = symbols.size();
        int[] ids = symbols.toArray();
        int[] prev = new int[n];
        int[] next = new int[n];
        boolean[] removed = new boolean[n];
        for (int i = 0; i < n; i++) {
            prev[i] = i - 1;
            next[i] = i + 1 < n ? i + 1 : -1;
        }
        LongHeap heap = new LongHeap(Math.max(4, n));
        for (int i = 0; i + 1 < n; i++) {
            long m = merges.get(ids[i], ids[i + 1]);
            if (m != MergeTable.ABSENT) {
                heap.push(queued(m, i));
            }
        }
        while (!heap.isEmpty()) {
            long top = heap.pop();
            int pos = (int) top;
            int rank = (int) (top >>> 32);
            if (removed[pos] || next[pos] < 0) {
                continue;
            }
            int right = next[pos];
            long m = merges.get(ids[pos], ids[right]);
            if (m == MergeTable.ABSENT || MergeTable.rank(m) != rank) {
                continue;
            }
            ids[pos] = MergeTable.mergedId(m);
            removed[right] = true;
            next[pos] = next[right];
            if (next[right] >= 0) {
                prev[next[right]] = pos;
            }
            if (prev[pos] >= 0) {
                long left = merges.get(ids[prev[pos]], ids[pos]);
                if (left != MergeTable.ABSENT) {
                    heap.push(queued(left, prev[pos]));
                }
            }
            if (next[pos] >= 0) {
                long after = merges.get(ids[pos], ids[next[pos]]);
                if (after != MergeTable.ABSENT) {
                    heap.push(queued(after, pos));
                }
            }
        }
        IntList out = new IntList(n);
        for (int i = 0; i >= 0 && i < n; i = next[i]) {
            out.add(ids[i]);
        }
        return out.toArray();
    }

    /** A heap item: merge rank in the high half, so the lowest rank pops first, then the leftmost position. */
    private static long queued(long mergeEntry, int position) {
        return ((long) MergeTable.rank(mergeEntry) << 32) | position;
    }

    /** Characters to ids, with byte fallback and (fused) unk as tokenizers' BPE::merge_word does it. */
    private IntList initialSymbols(String w) {
        IntList symbols = new IntList(w.length());
        int pendingUnk = -1;
        for (int i = 0; i < w.length(); ) {
            int end = i + Character.charCount(w.codePointAt(i));
            String s = w.substring(i, end);
            if (i > 0 && continuingSubwordPrefix != null) {
                s = continuingSubwordPrefix + s;
            }
            if (end == w.length() && endOfWordSuffix != null) {
                s = s + endOfWordSuffix;
            }
            Integer id = vocab.get(s);
            if (id != null) {
                if (pendingUnk >= 0) {
                    symbols.add(pendingUnk);
                    pendingUnk = -1;
                }
                symbols.add(id);
            } else if (byteFallback && addBytes(s, symbols)) {
                // tokenizers leaves a pending unk in place here and adds it later, out of order.
            } else if (unkId != null) {
                if (pendingUnk >= 0 && !fuseUnk) {
                    symbols.add(pendingUnk);
                }
                pendingUnk = unkId;
            }
            i = end;
        }
        if (pendingUnk >= 0) {
            symbols.add(pendingUnk);
        }
        return symbols;
    }

    private boolean addBytes(String s, IntList symbols) {
        byte[] bytes = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        for (byte b : bytes) {
            if (byteTokens[b & 0xFF] < 0) {
                return false;
            }
        }
        for (byte b : bytes) {
            symbols.add(byteTokens[b & 0xFF]);
        }
        return true;
    }

    /** A binary min-heap of longs. */
    private static final class LongHeap {
        private long[] a;
        private int size;

        LongHeap(int capacity) {
            a = new long[capacity];
        }

        boolean isEmpty() {
            return size == 0;
        }

        void push(long v) {
            if (size == a.length) {
                a = Arrays.copyOf(a, size * 2);
            }
            int i = size++;
            while (i > 0) {
                int parent = (i - 1) >>> 1;
                if (a[parent] <= v) {
                    break;
                }
                a[i] = a[parent];
                i = parent;
            }
            a[i] = v;
        }

        long pop() {
            long top = a[0];
            long last = a[--size];
            int i = 0;
            while (true) {
                int child = 2 * i + 1;
                if (child >= size) {
                    break;
                }
                if (child + 1 < size && a[child + 1] < a[child]) {
                    child++;
                }
                if (a[child] >= last) {
                    break;
                }
                a[i] = a[child];
                i = child;
            }
            a[i] = last;
            return top;
        }
    }
}
