package io.avstream.operators.inference;

import io.avstream.models.ModelManifest;
import io.avstream.models.ModelPackage;
import io.avstream.operators.mocap.StmtPreprocessor;
import io.avstream.schemas.topology.MeshTopology;

/**
 * The STMT preprocessing that a model package asks for: its mesh topology, frames per window and
 * points per frame, read from the manifest and checked against the model's input shapes.
 */
public final class StmtPreprocessing {
    private final MeshTopology topology;
    private final int frames;
    private final int points;
    private final StmtPreprocessor preprocessor;

    private StmtPreprocessing(MeshTopology topology, int frames, int points) {
        this.topology = topology;
        this.frames = frames;
        this.points = points;
        this.preprocessor = new StmtPreprocessor(topology, frames, points);
    }

    /** Reads the preprocessing section of an action model's manifest. */
    public static StmtPreprocessing of(ModelPackage pkg) {
        ModelManifest m = pkg.manifest();
        String topologyId = text(m, "topology");
        int frames = positiveInt(m, "frames");
        int points = positiveInt(m, "points");
        if (m.inputs().size() != 2) {
            throw new IllegalArgumentException("model " + m.name() + " has " + m.inputs().size()
                    + " inputs; an action model takes points and geodesic distances");
        }
        long[] shape = m.inputs().get(0).shape();
        if (shape.length != 4 || shape[1] != frames || shape[2] != points || shape[3] != 3) {
            throw new IllegalArgumentException("model " + m.name() + " input " + m.inputs().get(0).name()
                    + " has shape " + java.util.Arrays.toString(shape) + " but preprocessing says " + frames + " frames x " + points + " points x 3");
        }
        return new StmtPreprocessing(MeshTopology.load(topologyId), frames, points);
    }

    private static String text(ModelManifest m, String field) {
        String v = m.preprocessing().path(field).asText("");
        if (v.isBlank()) {
            throw new IllegalArgumentException("model " + m.name() + ": preprocessing." + field + " is missing");
        }
        return v;
    }

    private static int positiveInt(ModelManifest m, String field) {
        int v = m.preprocessing().path(field).asInt(0);
        if (v <= 0) {
            throw new IllegalArgumentException("model " + m.name() + ": preprocessing." + field + " must be a positive integer");
        }
        return v;
    }

    public MeshTopology topology() {
        return topology;
    }

    public int frames() {
        return frames;
    }

    public int points() {
        return points;
    }

    public StmtPreprocessor preprocessor() {
        return preprocessor;
    }
}
