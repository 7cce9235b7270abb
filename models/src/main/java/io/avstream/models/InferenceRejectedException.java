package io.avstream.models;

/** An inference request that the batcher refused without running it; {@link #reason()} says why. */
public class InferenceRejectedException extends InferenceException {
    private static final long serialVersionUID = 1L;

    /** Why a request was refused. */
    public enum Reason {
        /** The batcher's bounded queue was full when the request was submitted. */
        QUEUE_FULL,
        /** The request's deadline had already passed when a worker took it. */
        DEADLINE_MISSED,
        /** The shared model was closed before the request ran. */
        SHUTDOWN
    }

    private final Reason reason;

    /** A refusal for {@code reason}, with a message. */
    public InferenceRejectedException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    /** Why the request was refused. */
    public Reason reason() {
        return reason;
    }
}
