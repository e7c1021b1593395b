package io.kvasir.cli;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks that an output can be written before any work starts, so a read-only or mistyped --out fails in a
 * second, not after a sweep of minutes. The probe leaves nothing behind: folders it had to create are removed
 * again (the command creates them when it writes).
 */
final class WritableCheck {
    private WritableCheck() {}

    /** dir (given as flag) is, or can be made, a folder kvasir can create files in. */
    static void folder(Path dir, String flag) {
        if (Files.exists(dir) && !Files.isDirectory(dir)) throw new IllegalArgumentException(flag + " " + dir + ": not a folder");
        try {
            probe(dir);
        } catch (IOException e) {
            throw new IllegalArgumentException(flag + " " + dir + ": not writable (" + reason(e) + ")", e);
        }
    }

    /** file (given as flag) is not a folder, and its folder exists and is writable. */
    static void file(Path file, String flag) {
        if (Files.isDirectory(file)) throw new IllegalArgumentException(flag + " " + file + ": a folder, not a file");
        Path parent = file.toAbsolutePath().normalize().getParent();
        if (!Files.isDirectory(parent)) throw new IllegalArgumentException(flag + " " + file + ": no folder " + parent);
        try {
            probe(parent);
        } catch (IOException e) {
            throw new IllegalArgumentException(flag + " " + file + ": cannot write into " + parent + " (" + reason(e) + ")", e);
        }
    }

    private static void probe(Path dir) throws IOException {
        List<Path> created = new ArrayList<>();
        try {
            for (Path p = dir.toAbsolutePath().normalize(); p != null && !Files.exists(p); p = p.getParent()) created.add(p);
            Files.createDirectories(dir);
            Files.delete(Files.createTempFile(dir, ".kvasir-probe", ".tmp"));
        } finally {
            for (Path p : created) {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // an empty folder left behind is harmless; the check's own failure matters more
                }
            }
        }
    }

    private static String reason(IOException e) {
        if (e instanceof AccessDeniedException) return "permission denied";
        if (e instanceof FileSystemException f && f.getReason() != null) return f.getReason();
        return e.getMessage();
    }
}
