package io.avstream.ingest.validate;

import java.util.Map;
import java.util.TreeMap;

import io.avstream.schemas.MocapFrame;
import io.avstream.schemas.ReasonCode;
import io.avstream.schemas.VertexLayout;

/**
 * Decodes {@link MocapFrame}s and checks their payload: a known topology, the vertex count of that
 * topology, a byte length that matches the count, finite coordinates.
 */
public final class MocapFrameDecoder extends RecordDecoder<MocapFrame> {
    private static final long serialVersionUID = 1L;

    private final TreeMap<String, Integer> topologies;

    /**
     * @param topologies accepted topology ids and their vertex counts
     * @param limits     size and time limits
     */
    public MocapFrameDecoder(Map<String, Integer> topologies, InputLimits limits) {
        super(MocapFrame.class, limits);
        if (topologies == null || topologies.isEmpty()) {
            throw new IllegalArgumentException("at least one accepted mesh topology (id -> vertex count) is required");
        }
        this.topologies = new TreeMap<>(topologies);
    }

    @Override
    protected void validate(MocapFrame f) throws Rejection {
        Integer expected = topologies.get(f.getTopology());
        if (expected == null) {
            throw new Rejection(ReasonCode.UNKNOWN_TOPOLOGY, "topology '" + f.getTopology() + "' is not one of " + topologies.keySet());
        }
        if (f.getLayout() != VertexLayout.XYZ_F32LE) {
            throw new Rejection(ReasonCode.UNSUPPORTED_FORMAT, "vertex layout " + f.getLayout() + " is not supported");
        }
        if (f.getVertexCount() != expected) {
            throw new Rejection(ReasonCode.WRONG_SIZE, "vertex_count " + f.getVertexCount() + " but topology '"
                    + f.getTopology() + "' has " + expected + " vertices");
        }
        int bytes = f.getVertices().remaining();
        if (bytes != expected * 12) {
            throw new Rejection(ReasonCode.WRONG_SIZE, "vertices hold " + bytes + " bytes, expected " + expected * 12
                    + " (" + expected + " x 3 float32)");
        }
        int bad = firstNonFinite(f.getVertices());
        if (bad >= 0) {
            throw new Rejection(ReasonCode.NON_FINITE, "coordinate " + bad + " (vertex " + bad / 3 + ") is NaN or infinite");
        }
    }

    @Override
    public String streamId(MocapFrame f) {
        return f.getStreamId();
    }

    @Override
    public long seq(MocapFrame f) {
        return f.getSeq();
    }

    @Override
    public long captureTimeUs(MocapFrame f) {
        return f.getCaptureTimeUs();
    }
}
