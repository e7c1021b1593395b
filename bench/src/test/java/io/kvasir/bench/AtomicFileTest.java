package io.kvasir.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.IIOException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Outputs are written whole or not at all, and a full disk is reported as such, naming the file. */
class AtomicFileTest {
    @Test
    void aFailedWriteLeavesTheOldFileAndNoTemporary(@TempDir Path tmp) throws IOException {
        Path png = tmp.resolve("heatmap.png");
        Files.writeString(png, "old");
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> AtomicFile.write(png, out -> {
            out.write(new byte[100]);
            throw new IIOException("I/O error writing PNG file!", new IOException("No space left on device"));
        }));
        assertEquals("no space left on device writing " + png, e.getMessage(), "ImageIO's wrapper looked through");
        assertEquals("old", Files.readString(png));
        assertEquals(List.of(png), Files.list(tmp).toList(), "the temporary sibling is removed");
    }

    /** /dev/full answers every write with ENOSPC: the real error text of a full disk. */
    @Test
    void aFullDeviceIsReportedAsNoSpaceNamingTheFile() {
        Path full = Path.of("/dev/full");
        assumeTrue(Files.isWritable(full), "needs Linux /dev/full");
        IOException real = assertThrows(IOException.class, () -> Files.write(full, new byte[8192]));
        assertEquals("no space left on device writing " + full, AtomicFile.writeFailure(full, real).getMessage());
        assertEquals("cannot write x.json: Permission denied",
                AtomicFile.writeFailure(Path.of("x.json"), new IOException("Permission denied")).getMessage());
    }
}
