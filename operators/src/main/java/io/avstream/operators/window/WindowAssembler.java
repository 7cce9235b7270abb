package io.avstream.operators.window;

import java.io.Serializable;
import java.util.List;

import org.apache.flink.api.common.typeinfo.TypeInformation;

/**
 * What is modality-specific in cutting a stream into windows: the frames kept in state, their times,
 * and which of a window's frames (or samples) make the window that goes to the model. The per-stream
 * clock, re-ordering, duplicates, late frames, clock jumps, idle expiry and stagger are
 * {@link StreamWindower}'s and the same for every modality.
 *
 * @param <F> a frame as kept in keyed state (a MoCap frame's reduced vertices, an audio chunk's samples)
 * @param <W> a closed window
 */
public interface WindowAssembler<F, W> extends Serializable {
    /** The type of the frames in keyed state (their serializer is part of savepoints: keep it stable). */
    TypeInformation<F> frameType();

    /** A frame's capture time, epoch microseconds: its position on its stream's clock. */
    long timeUs(F frame);

    /** Called before a frame goes into state: drop what the state need not hold (e.g. the stream id, which the key says). */
    default void beforeStore(F frame) {}

    /**
     * The window {@code [startUs, endUs)} of {@code streamId} from its frames in time order, or null
     * when they are too few to use (counted as {@code sparseWindows}).
     *
     * @param frames the window's frames, sorted by time, at least one
     * @param closedAtUs the wall-clock time the window closes, epoch microseconds
     */
    W assemble(String streamId, long startUs, long endUs, List<F> frames, long closedAtUs);
}
