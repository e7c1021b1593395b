package io.kvasir.safetensors;

import static io.kvasir.safetensors.SafetensorsBytes.f32;
import static io.kvasir.safetensors.SafetensorsBytes.shape;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The mapping itself: files past 2 GB, and unmapping on close. */
class SafetensorsMappingTest {

    @TempDir
    Path dir;

    @Test
    void closeReleasesTheMapping() throws IOException {
        Path f = new SafetensorsBytes().tensor("w", "F32", shape(2), f32(1, 2)).write(dir.resolve("c.safetensors"));
        SafetensorsFile file = SafetensorsFile.open(f);
        Tensor t = file.tensor("w");
        assertEquals(2.0f, t.getFloat(1));
        boolean visible = canSeeMappings();
        if (visible) {
            assertTrue(isMapped(f), "the file should be mapped while open");
        }

        file.close();

        assertFalse(file.isOpen());
        assertFalse(t.data().scope().isAlive());
        assertThrows(IllegalStateException.class, () -> t.getFloat(0));
        assertThrows(IllegalStateException.class, () -> file.tensor("w"));
        file.close(); // a second close does nothing
        if (visible) {
            assertFalse(isMapped(f), "close() should unmap the file");
        }
        Files.delete(f);
    }

    @Test
    void failedOpenLeavesNothingMapped() {
        // Valid header, but the tensor lies past the data: validation happens before mapping.
        Path f = SafetensorsBytes.write(dir.resolve("bad.safetensors"), SafetensorsBytes.file(
                "{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", f32(1)));
        assertThrows(SafetensorsFormatException.class, () -> SafetensorsFile.open(f));
        assumeTrue(canSeeMappings(), "no /proc/self/maps");
        assertFalse(isMapped(f));
    }

    /**
     * A 2.5 GB sparse file with a tensor at its very end: offsets past 2^31 must work, which rules out
     * int-indexed ByteBuffer mappings. Skipped where the temp file system cannot make sparse files.
     */
    @Test
    void mapsFilesLargerThan2GB() throws IOException {
        long size = 2_500_000_000L;
        assumeTrue(Files.getFileStore(dir).getUsableSpace() > 256L << 20, "too little free space in " + dir);
        Path f = dir.resolve("big.safetensors");
        int headerLength = 256;
        long dataSize = size - 8 - headerLength;
        long tailBegin = dataSize - 16;
        // The sparse middle is a tensor of its own: tensors must cover the data section exactly.
        String header = "{\"head\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"middle\":{\"dtype\":\"F32\",\"shape\":[" + (tailBegin - 8) / 4 + "],\"data_offsets\":[8," + tailBegin + "]},"
                + "\"tail\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[" + tailBegin + "," + dataSize + "]}}";
        byte[] padded = (header + " ".repeat(headerLength - header.length())).getBytes(StandardCharsets.UTF_8);
        try {
            try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
                try {
                    raf.setLength(size);
                } catch (IOException e) {
                    assumeTrue(false, "cannot create a 2.5 GB sparse file in " + dir + ": " + e.getMessage());
                }
                assumeTrue(allocatedBytes(f) < 64L << 20, "file system of " + dir + " does not make sparse files");
                raf.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(headerLength).array());
                raf.write(padded);
                raf.write(f32(-1, -2));
                raf.seek(8 + headerLength + tailBegin);
                raf.write(f32(10, 20, 30, 40));
            }
            try (SafetensorsFile file = SafetensorsFile.open(f)) {
                assertEquals(size, file.fileSize());
                Tensor tail = file.tensor("tail");
                long fileOffsetOfElement2 = 8 + headerLength + tailBegin + 2 * 4;
                assertTrue(fileOffsetOfElement2 > 1L << 31);
                assertEquals(30f, tail.getFloat(2));
                assertEquals(40f, tail.getFloat(3));
                assertEquals(-2f, file.tensor("head").getFloat(1));
            }
        } finally {
            Files.deleteIfExists(f);
        }
    }

    /** Blocks on disk per {@code stat}; Java has no portable way to ask. 0 when unknown. */
    private static long allocatedBytes(Path f) {
        try {
            Process p = new ProcessBuilder("stat", "-c", "%b %B", f.toString()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                return 0;
            }
            String[] parts = out.split(" ");
            return Long.parseLong(parts[0]) * Long.parseLong(parts[1]);
        } catch (IOException | InterruptedException | RuntimeException e) {
            return 0;
        }
    }

    private static final Path MAPS = Path.of("/proc/self/maps");

    /** Linux lists a process's mappings in /proc/self/maps; elsewhere the unmapping checks are skipped. */
    static boolean canSeeMappings() {
        return Files.isReadable(MAPS);
    }

    /** Whether this process maps the file, per /proc/self/maps. */
    static boolean isMapped(Path f) {
        try {
            return Files.readString(MAPS).contains(f.toAbsolutePath().toString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
