package io.avstream.models;

import java.nio.file.Path;

/** Thrown when a model package is missing, malformed or disagrees with its own ONNX graph. */
public class InvalidModelPackageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient Path dir;
    private final String detail;

    /** A problem found without a package directory (e.g. while parsing {@code model.json} text). */
    public InvalidModelPackageException(String detail) {
        this(detail, (Throwable) null);
    }

    /** A problem found without a package directory, with its cause. */
    public InvalidModelPackageException(String detail, Throwable cause) {
        super(detail, cause);
        this.dir = null;
        this.detail = detail;
    }

    /** A problem with the package in {@code dir}. */
    public InvalidModelPackageException(Path dir, String detail) {
        this(dir, detail, null);
    }

    /** A problem with the package in {@code dir}, with its cause. */
    public InvalidModelPackageException(Path dir, String detail, Throwable cause) {
        super("Invalid model package " + dir + ": " + detail, cause);
        this.dir = dir;
        this.detail = detail;
    }

    /** The package directory, or {@code null} when the problem was found without one. */
    public Path dir() {
        return dir;
    }

    /** The mismatch itself, without the package directory, e.g. {@code model.json: missing field 'task'}. */
    public String detail() {
        return detail;
    }
}
