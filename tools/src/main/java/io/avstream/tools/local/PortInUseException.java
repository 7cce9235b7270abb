package io.avstream.tools.local;

/** A port the in-process broker is to listen on is held by another program. */
public final class PortInUseException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    private final int port;

    public PortInUseException(int port, Throwable cause) {
        super("port " + port + " on 127.0.0.1 is in use", cause);
        this.port = port;
    }

    /** The port that is in use. */
    public int port() {
        return port;
    }
}
