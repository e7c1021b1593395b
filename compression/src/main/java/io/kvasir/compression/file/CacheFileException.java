package io.kvasir.compression.file;

/** A cache file that cannot be used: the message names the file and the problem, in one line. */
public final class CacheFileException extends IllegalArgumentException {
    public CacheFileException(String message) {
        super(message);
    }
}
