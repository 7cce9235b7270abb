package io.avstream.operators.window;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import io.avstream.schemas.MocapFrame;
import io.avstream.schemas.Stamped;
import org.apache.flink.api.common.functions.MapFunction;

/**
 * Reduces each decoded MoCap frame to the model's vertex subset, straight from the little-endian
 * payload, before the frames are shuffled by stream (a 2038-vertex mesh of 24 KB becomes 1.5 KB).
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
                reduce(f.getVertices()), f.getAnnotation());
    }

    /** The subset vertices of a float32 little-endian xyz payload. */
    public float[] reduce(ByteBuffer vertices) {
        ByteBuffer b = vertices.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        int base = b.position();
        float[] xyz = new float[subset.length * 3];
        for (int i = 0; i < subset.length; i++) {
            int off = base + subset[i] * 12;
            xyz[3 * i] = b.getFloat(off);
            xyz[3 * i + 1] = b.getFloat(off + 4);
            xyz[3 * i + 2] = b.getFloat(off + 8);
        }
        return xyz;
    }
}
