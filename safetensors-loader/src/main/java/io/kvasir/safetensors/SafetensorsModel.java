package io.kvasir.safetensors;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * All the tensors of a Hugging Face model folder, across one or more memory-mapped safetensors files.
 *
 * <p>Which files are read, first match wins:
 * <ol>
 *   <li>{@code model.safetensors.index.json}: its {@code weight_map} names the shard of every tensor;
 *       each distinct shard is opened once and must hold the tensors mapped to it. Shard paths must
 *       stay inside the folder.</li>
 *   <li>{@code model.safetensors}.</li>
 *   <li>every {@code *.safetensors} file in the folder; a tensor name found in two files is an error,
 *       since without an index nothing says which one is meant.</li>
 * </ol>
 * A path to a single {@code .safetensors} file is also accepted. Tensors stay valid until
 * {@link #close()}; the object is immutable and safe to read from many threads.
 */
public final class SafetensorsModel implements AutoCloseable {

    /** The sharded-checkpoint index file name. */
    public static final String INDEX_FILE = "model.safetensors.index.json";
    /** The single-file checkpoint name. */
    public static final String SINGLE_FILE = "model.safetensors";

    private final Path location;
    private final List<SafetensorsFile> files;
    private final Map<String, Tensor> tensors;
    private volatile boolean closed;

    private SafetensorsModel(Path location, List<SafetensorsFile> files, Map<String, Tensor> tensors) {
        this.location = location;
        this.files = List.copyOf(files);
        this.tensors = Collections.unmodifiableMap(tensors);
    }

    /**
     * Opens a model folder (or one {@code .safetensors} file) and validates every file it uses.
     *
     * @param folder the model folder
     * @return the open model; close it to unmap its files
     * @throws SafetensorsFormatException if nothing usable is there, a file or the index is invalid,
     *                                    or tensors are missing or duplicated; the message names the
     *                                    folder or file
     * @throws UncheckedIOException       if reading fails; the message names the path
     */
    public static SafetensorsModel open(Path folder) {
        Path dir = folder.toAbsolutePath().normalize();
        if (Files.isRegularFile(dir)) {
            return fromFiles(dir, List.of(dir));
        }
        if (!Files.exists(dir)) {
            throw new SafetensorsFormatException("model folder " + dir + " does not exist");
        }
        if (!Files.isDirectory(dir)) {
            throw new SafetensorsFormatException(dir + " is neither a model folder nor a .safetensors file");
        }
        Path index = dir.resolve(INDEX_FILE);
        if (Files.isRegularFile(index)) {
            return fromIndex(dir, index);
        }
        Path single = dir.resolve(SINGLE_FILE);
        if (Files.isRegularFile(single)) {
            return fromFiles(dir, List.of(single));
        }
        List<Path> all = listSafetensors(dir);
        if (all.isEmpty()) {
            throw new SafetensorsFormatException("no " + SINGLE_FILE + ", " + INDEX_FILE + " or *.safetensors in " + dir);
        }
        return fromFiles(dir, all);
    }

    private static SafetensorsModel fromIndex(Path dir, Path index) {
        Map<String, Path> weightMap = ShardIndex.read(index, dir);
        Map<Path, SafetensorsFile> opened = new LinkedHashMap<>();
        try {
            for (Path shard : new TreeSet<>(weightMap.values())) {
                if (!Files.exists(shard)) {
                    throw new SafetensorsFormatException(index + ": shard " + dir.relativize(shard) + " does not exist");
                }
                opened.put(shard, SafetensorsFile.open(shard));
            }
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            weightMap.forEach((name, shard) -> {
                SafetensorsFile file = opened.get(shard);
                if (!file.contains(name)) {
                    throw new SafetensorsFormatException(index + ": tensor '" + name + "' is mapped to "
                            + dir.relativize(shard) + ", which has no such tensor");
                }
                tensors.put(name, file.tensor(name));
            });
            return new SafetensorsModel(dir, new ArrayList<>(opened.values()), tensors);
        } catch (RuntimeException | Error e) {
            closeAll(opened.values(), e);
            throw e;
        }
    }

    private static SafetensorsModel fromFiles(Path location, List<Path> paths) {
        List<SafetensorsFile> opened = new ArrayList<>();
        try {
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            for (Path p : paths) {
                SafetensorsFile file = SafetensorsFile.open(p);
                opened.add(file);
                for (Tensor t : file.tensors()) {
                    Tensor earlier = tensors.putIfAbsent(t.name(), t);
                    if (earlier != null) {
                        throw new SafetensorsFormatException("tensor '" + t.name() + "' is in both " + earlier.file().getFileName()
                                + " and " + p.getFileName() + " in " + location + ", and there is no " + INDEX_FILE
                                + " to say which one to use");
                    }
                }
            }
            return new SafetensorsModel(location, opened, tensors);
        } catch (RuntimeException | Error e) {
            closeAll(opened, e);
            throw e;
        }
    }

    private static List<Path> listSafetensors(Path dir) {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.filter(p -> p.getFileName().toString().endsWith(".safetensors"))
                    .filter(Files::isRegularFile)
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(dir + ": cannot list: " + SafetensorsFile.reason(e), e);
        }
    }

    /** Unmaps what was opened before a failure, without hiding the failure itself. */
    private static void closeAll(Iterable<SafetensorsFile> files, Throwable failure) {
        for (SafetensorsFile f : files) {
            try {
                f.close();
            } catch (RuntimeException suppressed) {
                failure.addSuppressed(suppressed);
            }
        }
    }

    /** @return the model folder (or the single file) that was opened, absolute and normalized */
    public Path location() {
        return location;
    }

    /** @return the files in use, in the order they were opened */
    public List<Path> files() {
        return files.stream().map(SafetensorsFile::path).toList();
    }

    /** @return the tensor names: the index's order when there is one, else file order then data order */
    public Set<String> names() {
        return tensors.keySet();
    }

    /** @return whether the model has a tensor with this name */
    public boolean contains(String name) {
        return tensors.containsKey(name);
    }

    /**
     * @param name the Hugging Face tensor name, e.g. {@code model.layers.0.self_attn.q_proj.weight}
     * @return the tensor, valid until this model is closed
     * @throws SafetensorsFormatException "missing tensor 'X' in DIR" if there is none
     * @throws IllegalStateException      if this model is closed
     */
    public Tensor tensor(String name) {
        Tensor t = tensors.get(name);
        if (t == null) {
            throw new SafetensorsFormatException("missing tensor '" + name + "' in " + location);
        }
        if (closed) {
            throw new IllegalStateException(location + " is closed");
        }
        return t;
    }

    /**
     * Scans every tensor for NaN and infinity, tensors in parallel, so that a damaged checkpoint is
     * refused at load instead of producing garbage tokens; the cost is about one read of the data.
     *
     * @throws SafetensorsFormatException naming the file, the first such tensor (in {@link #names()}
     *                                    order), the element and its value
     */
    public void checkAllFinite() {
        List<Tensor> all = List.copyOf(tensors.values());
        long[] firstBad = new long[all.size()];
        IntStream.range(0, all.size()).parallel().forEach(i -> firstBad[i] = all.get(i).firstNonFinite());
        for (int i = 0; i < all.size(); i++) {
            if (firstBad[i] >= 0) {
                Tensor t = all.get(i);
                throw new SafetensorsFormatException(t.file() + ": tensor '" + t.name() + "' holds " + t.getFloat(firstBad[i])
                        + " at " + Arrays.toString(Shapes.coordinates(firstBad[i], t.shape()))
                        + "; weights must be finite numbers");
            }
        }
    }

    /** @return data bytes per dtype over the model's tensors, only dtypes that occur, in enum order */
    public Map<DType, Long> bytesByDType() {
        Map<DType, Long> bytes = new EnumMap<>(DType.class);
        for (Tensor t : tensors.values()) {
            bytes.merge(t.dtype(), t.byteSize(), Long::sum);
        }
        return Collections.unmodifiableMap(bytes);
    }

    /** @return data bytes over all the model's tensors */
    public long totalBytes() {
        return tensors.values().stream().mapToLong(Tensor::byteSize).sum();
    }

    /** @return elements over all the model's tensors (the parameter count) */
    public long totalElements() {
        return tensors.values().stream().mapToLong(Tensor::elementCount).sum();
    }

    /** Unmaps every file; all tensors become unreadable. Calling it again does nothing. */
    @Override
    public void close() {
        closed = true;
        RuntimeException first = null;
        for (SafetensorsFile f : files) {
            try {
                f.close();
            } catch (RuntimeException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    @Override
    public String toString() {
        return "SafetensorsModel[" + location + ", " + tensors.size() + " tensors in " + files.size() + " files]";
    }
}
