package io.kvasir.model;

/** A model folder that kvasir cannot use: the message is one line naming the file and the problem. */
public class ModelFormatException extends IllegalArgumentException {
    public ModelFormatException(String message) {
        super(message);
    }

    public ModelFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
