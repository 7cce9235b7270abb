package io.avstream.models;

/** Thrown at start-up when the requested inference engine is not present on this machine. */
public class EngineUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final Engine engine;
    private final String whatIsMissing;

    /** The engine that cannot be used and exactly what is missing. */
    public EngineUnavailableException(Engine engine, String whatIsMissing) {
        this(engine, whatIsMissing, null);
    }

    /** The engine that cannot be used, what is missing, and the underlying failure. */
    public EngineUnavailableException(Engine engine, String whatIsMissing, Throwable cause) {
        super("Engine " + engine.id() + " is not available: " + whatIsMissing, cause);
        this.engine = engine;
        this.whatIsMissing = whatIsMissing;
    }

    /** The engine that was requested. */
    public Engine engine() {
        return engine;
    }

    /** What is missing, without the engine's name. */
    public String whatIsMissing() {
        return whatIsMissing;
    }
}
