package io.avstream.operators.inference;

import java.io.Serializable;
import java.nio.file.Path;

import io.avstream.models.ModelPackage;

/**
 * Where a model package is: {@code classpath:<name>} for a package shipped in the job jar, or a
 * directory path on every TaskManager.
 */
public final class ModelRef implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final String CLASSPATH = "classpath:";

    private final String location;

    private ModelRef(String location) {
        this.location = location;
    }

    /** Parses {@code classpath:<name>} or a directory path. */
    public static ModelRef of(String location) {
        if (location == null || location.isBlank() || location.equals(CLASSPATH)) {
            throw new IllegalArgumentException("a model location is required: 'classpath:<name>' or a package directory");
        }
        return new ModelRef(location);
    }

    /** Loads (and validates) the package. */
    public ModelPackage load() {
        if (location.startsWith(CLASSPATH)) {
            return ModelPackage.fromClasspath(location.substring(CLASSPATH.length()));
        }
        return ModelPackage.load(Path.of(location));
    }

    public String location() {
        return location;
    }

    @Override
    public String toString() {
        return location;
    }
}
