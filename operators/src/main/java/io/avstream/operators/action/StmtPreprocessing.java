package io.avstream.operators.action;

import io.avstream.models.ModelManifest;
import io.avstream.models.ModelPackage;
import io.avstream.models.TensorSpec;
import java.util.Arrays;
import io.avstream.operators.mocap.StmtPreprocessor;
import io.avstream.schemas.topology.MeshTopology;

/**
 * The STMT preprocessing that a model package asks for: its mesh topology, frames per window and
 * points per frame, read from the manifest and checked against the model's tensors, which are bound
 * by name: inputs {@value #POINTS} {@code [-1, frames, points, 3]} and {@value #GEODIST}
 * {@code [frames, points, points]} (shared by the batch; {@code [-1, frames, points, points]} in packages
 * made before shared inputs existed), output {@value #LOGITS} {@code [-1, classes]}.
 */
public final class StmtPreprocessing {
    /** The input of the selected frames' vertices. */
    public static final String POINTS = "points";
    /** The input of the geodesic distances. */
    public static final String GEODIST = "geodist";
    /** The output of the class logits. */
    public static final String LOGITS = "logits";

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
        if (m.inputs().size() != 2 || m.input(POINTS).isEmpty() || m.input(GEODIST).isEmpty()) {
            throw new IllegalArgumentException("model " + m.name() + " has inputs "
                    + m.inputs().stream().map(TensorSpec::name).toList() + "; an action model takes '" + POINTS + "' and '"
                    + GEODIST + "'");
        }
        if (m.output(LOGITS).isEmpty()) {
            throw new IllegalArgumentException("model " + m.name() + " has outputs "
                    + m.outputs().stream().map(TensorSpec::name).toList() + "; an action model gives '" + LOGITS + "'");
        }
        TensorSpec p = m.input(POINTS).get();
        if (p.isShared() || !Arrays.equals(p.sampleShape(), new long[] {frames, points, 3})) {
            throw new IllegalArgumentException("model " + m.name() + " input " + POINTS + " is " + p
                    + " but preprocessing says " + frames + " frames x " + points + " points x 3 per window");
        }
        TensorSpec g = m.input(GEODIST).get();
        if (!Arrays.equals(g.sampleShape(), new long[] {frames, points, points})) {
            throw new IllegalArgumentException("model " + m.name() + " input " + GEODIST + " is " + g
                    + " but preprocessing says " + frames + " frames x " + points + " x " + points);
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
