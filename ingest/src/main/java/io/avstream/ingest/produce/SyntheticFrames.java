package io.avstream.ingest.produce;

import io.avstream.ingest.synthetic.SyntheticActor;
import io.avstream.schemas.LengthUnit;
import io.avstream.schemas.MocapFrame;
import io.avstream.schemas.UpAxis;
import io.avstream.schemas.VertexLayout;

/**
 * The MoCap frame record of a synthetic actor's frame, as {@link MocapKafkaProducer} sends it: the
 * actor's stream id and topology, the frame's index as its sequence number, its vertices as float32
 * little-endian xyz, its action as the annotation.
 *
 * <pre>{@code
 * SyntheticActor actor = SyntheticActor.builder().setStreamId("actor-0000").setSeed(1).build();
 * SyntheticActor.Frame f = actor.next();
 * MocapFrame metresYUp = SyntheticFrames.of(actor, f, captureUs);
 * MocapFrame zUpMillimetres = SyntheticFrames.of(actor, f, captureUs, UpAxis.Z_UP, LengthUnit.MILLIMETRE);
 * }</pre>
 */
public final class SyntheticFrames {
    private SyntheticFrames() {}

    /** Frame {@code f} of {@code actor}, captured at {@code captureUs} (epoch microseconds), in metres with y up. */
    public static MocapFrame of(SyntheticActor actor, SyntheticActor.Frame f, long captureUs) {
        return of(actor, f, captureUs, UpAxis.Y_UP, LengthUnit.METRE);
    }

    /**
     * The same frame expressed in another frame of reference: the actor's metres-y-up vertices converted
     * ({@link MocapKafkaProducer#fromMetresYUp}) and the up axis and unit declared in the record.
     */
    public static MocapFrame of(SyntheticActor actor, SyntheticActor.Frame f, long captureUs, UpAxis upAxis, LengthUnit unit) {
        return MocapFrame.newBuilder()
                .setStreamId(actor.streamId())
                .setSeq(f.index())
                .setCaptureTimeUs(captureUs)
                .setTopology(actor.topologyId())
                .setVertexCount(f.vertices().length / 3)
                .setLayout(VertexLayout.XYZ_F32LE)
                .setVertices(MocapKafkaProducer.encode(MocapKafkaProducer.fromMetresYUp(f.vertices(), upAxis, unit)))
                .setAnnotation(f.label())
                .setUpAxis(upAxis)
                .setLengthUnit(unit)
                .build();
    }
}
