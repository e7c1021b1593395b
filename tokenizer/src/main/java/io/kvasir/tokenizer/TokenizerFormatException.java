package io.kvasir.tokenizer;

/**
 * A tokenizer or chat-template file that kvasir cannot use: the message is one line naming the file
 * and the problem. Its own type so that the tokenizer depends on nothing else of kvasir's; like
 * the model's format errors it is bad input (an IllegalArgumentException).
 */
public class TokenizerFormatException extends IllegalArgumentException {
    public TokenizerFormatException(String message) {
        super(message);
    }

    public TokenizerFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
