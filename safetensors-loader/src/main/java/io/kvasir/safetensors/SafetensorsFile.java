package io.kvasir.safetensors;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One memory-mapped {@code .safetensors} file.
 *
 * <p>Layout: an 8-byte little-endian unsigned header length N, N bytes of UTF-8 JSON describing the
 * tensors, then the data section; tensor offsets are relative to its start (byte 8 + N). The whole
 * header is validated before anything is mapped or sliced. The file is then mapped read-only in one
 * {@link MemorySegment} (files over 2 GB included), owned by a shared arena so tensors can be read
 * from any thread; {@link #close()} unmaps it and invalidates every {@link Tensor} taken from it.
 *
 * <p>The mapping reflects the file on disk: truncating the file while it is open makes reads fail
 * with an {@link InternalError}, as with any memory-mapped file.
 */
public final class SafetensorsFile implements AutoCloseable {

    /** Largest header accepted, as in the reference implementation: a bigger one is corrupt or hostile. */
    public static final long MAX_HEADER_BYTES = 100_000_000L;

    private final Path path;
    private final long fileSize;
    private final Map<String, String> metadata;
    private final Map<String, Tensor> tensors;
    private final Arena arena;

    private SafetensorsFile(Path path, long fileSize, Map<String, String> metadata, Map<String, Tensor> tensors, Arena arena) {
        this.path = path;
        this.fileSize = fileSize;
        this.metadata = metadata;
        this.tensors = tensors;
        this.arena = arena;
    }

    /**
     * Validates and maps a safetensors file.
     *
     * @param file the {@code .safetensors} file
     * @return the open file; close it to unmap
     * @throws SafetensorsFormatException if the file is missing, not a regular file or not a valid
     *                                    safetensors file with only F32/F16/BF16 tensors
     * @throws UncheckedIOException       if reading or mapping fails; the message names the file
     */
    public static SafetensorsFile open(Path file) {
        if (Files.isDirectory(file)) {
            throw new SafetensorsFormatException(file + ": is a folder, not a .safetensors file");
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            // Read the size once: everything below is checked against this value and the mapping uses it.
            long size = channel.size();
            if (size < 8) {
                throw new SafetensorsFormatException(file + ": file is " + size
                        + " bytes, too short for the 8-byte header length");
            }
            long headerLength = readFully(channel, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
            // Unsigned comparison: a length with the top bit set is a huge number, not a negative one.
            if (Long.compareUnsigned(headerLength, MAX_HEADER_BYTES) > 0) {
                throw new SafetensorsFormatException(file + ": header length " + Long.toUnsignedString(headerLength)
                        + " exceeds the 100 MB limit");
            }
            if (8 + headerLength > size) {
                throw new SafetensorsFormatException(file + ": header length " + headerLength
                        + " runs past the end of the file (" + size + " bytes)");
            }
            byte[] json = readFully(channel, 8, (int) headerLength).array();
            long dataStart = 8 + headerLength;
            SafetensorsHeader header = SafetensorsHeader.parse(json, size - dataStart, file);
            return map(file, channel, size, dataStart, header);
        } catch (NoSuchFileException e) {
            throw new SafetensorsFormatException(file + ": no such file", e);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot read: " + reason(e), e);
        }
    }

    private static SafetensorsFile map(Path file, FileChannel channel, long size, long dataStart, SafetensorsHeader header)
            throws IOException {
        Arena arena = Arena.ofShared();
        try {
            // The mapping outlives the channel (closing a channel does not unmap), so the channel can
            // be closed right away; the arena alone decides when the memory goes.
            MemorySegment whole = channel.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            for (SafetensorsHeader.Entry e : header.entries()) {
                MemorySegment slice = whole.asSlice(dataStart + e.begin(), e.byteSize()).asReadOnly();
                tensors.put(e.name(), new Tensor(e.name(), e.dtype(), e.shape(), slice, file));
            }
            return new SafetensorsFile(file, size, header.metadata(), Collections.unmodifiableMap(tensors), arena);
        } catch (IOException | RuntimeException | Error e) {
            arena.close();
            throw e;
        }
    }

    /** File-system exceptions put the path in getMessage(); the message already names it, so keep the reason. */
    static String reason(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof FileSystemException fse && fse.getReason() != null) {
            return fse.getReason();
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    private static ByteBuffer readFully(FileChannel channel, long position, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, position + buffer.position());
            if (n < 0) {
                throw new IOException("unexpected end of file at byte " + (position + buffer.position()));
            }
        }
        return buffer.flip();
    }

    /** @return the file's path as given to {@link #open(Path)} */
    public Path path() {
        return path;
    }

    /** @return the file size in bytes */
    public long fileSize() {
        return fileSize;
    }

    /** @return the {@code __metadata__} strings, empty if the header has none */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** @return the tensor names, in the order their data appears in the file */
    public Set<String> names() {
        return tensors.keySet();
    }

    /** @return all tensors, in the order their data appears in the file */
    public List<Tensor> tensors() {
        return List.copyOf(tensors.values());
    }

    /** @return whether the file holds a tensor with this name */
    public boolean contains(String name) {
        return tensors.containsKey(name);
    }

    /**
     * @param name the tensor's name in the header
     * @return the tensor, valid until this file is closed
     * @throws SafetensorsFormatException "missing tensor X in FILE" if there is none
     * @throws IllegalStateException      if this file is closed
     */
    public Tensor tensor(String name) {
        if (!isOpen()) {
            throw new IllegalStateException(path + " is closed");
        }
        Tensor t = tensors.get(name);
        if (t == null) {
            throw new SafetensorsFormatException("missing tensor '" + name + "' in " + path);
        }
        return t;
    }

    /** @return false once {@link #close()} has unmapped the file */
    public boolean isOpen() {
        return arena.scope().isAlive();
    }

    /**
     * Unmaps the file; every tensor taken from it becomes unreadable. Calling it again does nothing.
     *
     * @throws IllegalStateException if another thread is reading a tensor at this moment
     */
    @Override
    public synchronized void close() {
        if (arena.scope().isAlive()) {
            arena.close();
        }
    }

    @Override
    public String toString() {
        return "SafetensorsFile[" + path + ", " + tensors.size() + " tensors, " + fileSize + " bytes]";
    }
}
