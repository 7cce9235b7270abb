package io.avstream.operators.action;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import io.avstream.schemas.LengthUnit;
import io.avstream.schemas.LengthUnits;
import io.avstream.schemas.MocapFrame;
import io.avstream.schemas.Stamped;
import io.avstream.schemas.UpAxis;
import io.avstream.operators.window.ReducedFrame;
import org.apache.flink.api.common.functions.MapFunction;

/**
 * Reduces each decoded MoCap frame to the model's vertex subset, straight from the little-endian
 * payload, before the frames are shuffled by stream (a 2038-vertex mesh of 24 KB becomes 1.5 KB), and
 * brings the kept vertices to the job's frame of reference: metres, y up. Frames of schema release v1
 * are that already; v2 frames may declare {@code up_axis = Z_UP} (read as (x, z, -y)) and a
 * {@code length_unit} of centimetres or millimetres.
 */
public class FrameReducer implements MapFunction<Stamped<MocapFrame>, ReducedFrame> {
    private static final long serialVersionUID = 1L;

    private final int[] subset;

    /**
     * @param subset      the vertex indices the model reads from each frame
     * @param vertexCount vertices per incoming frame (of the mesh topology; the decoder checked it)
     */
    public FrameReducer(int[] subset, int vertexCount) {
        this.subset = subset.clone();
        for (int i : subset) {
            if (i < 0 || i >= vertexCount) {
                throw new IllegalArgumentException("subset vertex " + i + " outside 0.." + (vertexCount - 1));
            }
        }
    }

    @Override
    public ReducedFrame map(Stamped<MocapFrame> in) {
        MocapFrame f = in.record;
        return new ReducedFrame(f.getStreamId(), f.getSeq(), f.getCaptureTimeUs(), in.kafkaTimestampMs * 1000L,
                reduce(f.getVertices(), f.getUpAxis(), f.getLengthUnit()), f.getAnnotation());
    }

    /** The subset vertices of a float32 little-endian xyz payload in metres, y up. */
    public float[] reduce(ByteBuffer vertices) {
        return reduce(vertices, UpAxis.Y_UP, LengthUnit.METRE);
    }

    /** The subset vertices of a float32 little-endian xyz payload, turned into metres, y up. */
    public float[] reduce(ByteBuffer vertices, UpAxis upAxis, LengthUnit unit) {
        ByteBuffer b = vertices.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        int base = b.position();
        float[] xyz = new float[subset.length * 3];
        boolean zUp = upAxis == UpAxis.Z_UP;
        for (int i = 0; i < subset.length; i++) {
            int off = base + subset[i] * 12;
            float x = b.getFloat(off);
            float y = b.getFloat(off + 4);
            float z = b.getFloat(off + 8);
            xyz[3 * i] = x;
            xyz[3 * i + 1] = zUp ? z : y;
            xyz[3 * i + 2] = zUp ? -y : z;
        }
        float toMetres = LengthUnits.perMetre(unit);
        if (toMetres != 1f) {
            for (int i = 0; i < xyz.length; i++) {
                xyz[i] /= toMetres;
            }
        }
        return xyz;
    }
}
