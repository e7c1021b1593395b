package io.kvasir.cli;

/** A flag that takes a positive number or {@code auto} (then the value is chosen per model, e.g. from its shape). */
final class AutoNumber {
    /** What {@code auto} parses to. */
    static final int AUTO = 0;

    private AutoNumber() {}

    /** The number, or {@link #AUTO}; anything else fails with one line naming the flag. */
    static int parse(String text, String flag) {
        if (text.trim().equalsIgnoreCase("auto")) {
            return AUTO;
        }
        try {
            int n = Integer.parseInt(text.trim());
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException e) {
            // falls through to the one-line error
        }
        throw new IllegalArgumentException(flag + " must be a positive number or auto, got '" + text + "'");
    }
}
