package io.avstream.models;

/** An inference request that failed: the engine raised an error, or the request was refused. */
public class InferenceException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** A failure with a message. */
    public InferenceException(String message) {
        super(message);
    }

    /** A failure with a message and the engine's error. */
    public InferenceException(String message, Throwable cause) {
        super(message, cause);
    }
}
