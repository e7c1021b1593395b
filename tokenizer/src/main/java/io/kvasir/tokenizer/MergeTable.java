package io.kvasir.tokenizer;

import java.util.Arrays;

/**
 * The BPE merges as an open-addressing hash table from a pair of token ids to (rank, merged id),
 * without boxing: a tokenizer has up to a few hundred thousand merges and looks one up per
 * adjacent pair of every word it encodes.
 */
final class MergeTable {
    static final long ABSENT = -1L;

    private long[] keys;
    private long[] values;
    private int size;
    private int mask;

    MergeTable(int expected) {
        int capacity = Integer.highestOneBit(Math.max(16, expected * 2 - 1)) << 1;
        keys = new long[capacity];
        values = new long[capacity];
        Arrays.fill(keys, ABSENT);
        mask = capacity - 1;
    }

    static long pair(int left, int right) {
        return ((long) left << 32) | (right & 0xFFFFFFFFL);
    }

    static long entry(int rank, int mergedId) {
        return ((long) rank << 32) | (mergedId & 0xFFFFFFFFL);
    }

    static int rank(long entry) {
        return (int) (entry >>> 32);
    }

    static int mergedId(long entry) {
        return (int) entry;
    }

    /** Sets the entry of a pair; a later merge of the same pair replaces the earlier, as in tokenizers. */
    void put(int left, int right, long entry) {
        if ((size + 1) * 2 > keys.length) {
            grow();
        }
        long key = pair(left, right);
        int i = slot(key);
        if (keys[i] == ABSENT) {
            keys[i] = key;
            size++;
        }
        values[i] = entry;
    }

    /** The entry of a pair, or ABSENT. */
    long get(int left, int right) {
        long key = pair(left, right);
        int i = slot(key);
        return keys[i] == ABSENT ? ABSENT : values[i];
    }

    private int slot(long key) {
        int i = (int) mix(key) & mask;
        while (keys[i] != ABSENT && keys[i] != key) {
            i = (i + 1) & mask;
        }
        return i;
    }

    private static long mix(long x) {
        x ^= x >>> 33;
        x *= 0xff51afd7ed558ccdL;
        x ^= x >>> 33;
        return x;
    }

    private void grow() {
        long[] oldKeys = keys;
        long[] oldValues = values;
        keys = new long[oldKeys.length * 2];
        values = new long[oldValues.length * 2];
        Arrays.fill(keys, ABSENT);
        mask = keys.length - 1;
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldKeys[i] != ABSENT) {
                int j = slot(oldKeys[i]);
                keys[j] = oldKeys[i];
                values[j] = oldValues[i];
            }
        }
    }
}
