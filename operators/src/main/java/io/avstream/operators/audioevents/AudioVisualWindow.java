package io.avstream.operators.audioevents;

import io.avstream.operators.video.StoredFrame;

/**
 * An audio window with the video frames of its stream that go with it: MAViL's frames of the span centred in the
 * window, oldest first, or none when the stream has no video for it (then the audio-only model takes it). A Flink
 * POJO.
 */
public class AudioVisualWindow extends AudioWindow {
    /** The window's frames, one per slot of the model's video input, or null: audio only. */
    public StoredFrame[] video;

    public AudioVisualWindow() {}

    /** Whether the window goes to the audio-visual model. */
    public boolean hasVideo() {
        return video != null;
    }

    @Override
    public String toString() {
        return "AudioVisualWindow{" + streamId + " [" + startUs + "," + endUs + ") frames=" + frames
                + (video == null ? " audio only" : " video=" + video.length) + "}";
    }
}
