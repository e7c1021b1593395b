package io.kvasir.cli;

import java.util.OptionalInt;

/** A flag that takes a number or {@code auto} (then the value is chosen per model or per run). */
final class AutoNumber {
    private AutoNumber() {}

    /** The number (at least min), or empty for auto; anything else fails with one line naming the flag. */
    static OptionalInt parse(String text, String flag, int min) {
        if (text.trim().equalsIgnoreCase("auto")) {
            return OptionalInt.empty();
        }
        try {
            int n = Integer.parseInt(text.trim());
            if (n >= min) {
                return OptionalInt.of(n);
            }
        } catch (NumberFormatException e) {
            // falls through to the one-line error
        }
        throw new IllegalArgumentException(flag + " must be " + (min == 0 ? "a number >= 0" : "a positive number")
                + " or auto, got '" + text + "'");
    }
}
