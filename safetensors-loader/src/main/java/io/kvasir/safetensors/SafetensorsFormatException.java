package io.kvasir.safetensors;

/**
 * A {@code .safetensors} file, index or model folder that cannot be used as it is.
 *
 * <p>The message is always one line that names the file (and the tensor, where one is involved) and
 * the problem, so a command-line front end can print it as it is.
 */
public final class SafetensorsFormatException extends IllegalArgumentException {

    /** @param message one line naming the file and the problem */
    public SafetensorsFormatException(String message) {
        super(oneLine(message));
    }

    /**
     * @param message one line naming the file and the problem
     * @param cause   the underlying failure, kept for {@code --debug} stack traces
     */
    public SafetensorsFormatException(String message, Throwable cause) {
        super(oneLine(message), cause);
    }

    /** Tensor names and paths come from files, so a hostile one could carry a line break. */
    private static String oneLine(String message) {
        return message == null ? null : message.replaceAll("\\R", " ");
    }
}
