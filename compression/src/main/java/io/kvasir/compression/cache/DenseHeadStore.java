package io.kvasir.compression.cache;

import java.util.Arrays;

/**
 * What the unquantized stores share: original positions, the entry count and doubling growth.
 * Subclasses hold keys and values as {@code [entry][headDim]} arrays of their element type.
 */
abstract class DenseHeadStore implements HeadStore {
    protected final int headDim;
    private int[] positions;
    private int length;


    DenseHeadStore(int headDim, int capacity) {
        this.headDim = headDim;
        this.positions = new int[Math.max(1, capacity)];
    }

    /** A store restored from {@code in}: its positions here, its keys and values by the subclass. */
    DenseHeadStore(int headDim, StoreSource in) {
        this.headDim = headDim;
        if (in.coded() != 0 || in.outliers() != 0) {
            throw in.invalid("a " + getClass().getSimpleName() + " holds no codes or outliers, the file states "
                    + in.coded() + " codes and " + in.outliers() + " outliers");
        }
        this.length = in.length();
        this.positions = in.ints(length);
        if (positions.length == 0) {
            positions = new int[1];
        }
    }

    @Override
    public final void save(StoreSink out) {
        out.counts(length, 0, 0);
        out.ints(positions, length);
        saveEntries(out, length * headDim);
    }

    /** Writes the keys, then the values: {@code elements} of each. */
    protected abstract void saveEntries(StoreSink out, int elements);

    /** Entries the payload arrays were first sized for (at least one). */
    protected final int initialCapacity() {
        return positions.length;
    }

    @Override
    public final int length() {
        return length;
    }

    @Override
    public final int position(int i) {
        return positions[i];
    }

    @Override
    public final void append(int position, float[] k, int kOff, float[] v, int vOff) {
        if (length == positions.length) {
            positions = Arrays.copyOf(positions, positions.length * 2);
            grow(positions.length);
        }
        write(length, k, kOff, v, vOff);
        positions[length++] = position;
    }

    /** Resizes the key and value arrays to hold {@code entries} entries, keeping their contents. */
    protected abstract void grow(int entries);

    /** Stores key k[kOff..) and value v[vOff..) as entry i. */
    protected abstract void write(int i, float[] k, int kOff, float[] v, int vOff);

    /** Bytes of one stored element (4 for float32, 2 for half). */
    protected abstract int elementBytes();

    @Override
    public final long bytes() {
        return 2L * length * headDim * elementBytes();
    }
}
