package io.avstream.operators.video;

import java.io.IOException;

import io.avstream.schemas.ImageEncoding;
import io.avstream.schemas.VideoFrame;

/**
 * One video frame as a stream's state keeps it: compressed as it came (a JPEG file, or raw RGB24), with its
 * capture time. Decoded only when a window uses it. A Flink POJO.
 */
public class StoredFrame {
    /** Capture time, microseconds since the epoch. */
    public long timeUs;
    public int width;
    public int height;
    /** True when {@link #data} is a JPEG file, false when it is RGB24. */
    public boolean jpeg;
    public byte[] data;

    public StoredFrame() {}

    public StoredFrame(long timeUs, int width, int height, boolean jpeg, byte[] data) {
        this.timeUs = timeUs;
        this.width = width;
        this.height = height;
        this.jpeg = jpeg;
        this.data = data;
    }

    /** A frame as it came on the video topic (its bytes copied), kept at {@code timeUs}. */
    public static StoredFrame of(VideoFrame f, long timeUs) {
        byte[] data = new byte[f.getData().remaining()];
        f.getData().duplicate().get(data);
        return new StoredFrame(timeUs, f.getWidth(), f.getHeight(), f.getEncoding() == ImageEncoding.JPEG, data);
    }

    /** The picture as RGB24 (JPEG decoded by {@link FramePreprocessor#decodeJpeg}). */
    public FramePreprocessor.Rgb rgb() throws IOException {
        return jpeg ? FramePreprocessor.decodeJpeg(data) : new FramePreprocessor.Rgb(width, height, data);
    }

    /** Bytes this frame holds in state, roughly: its data and its fields. */
    public long stateBytes() {
        return data.length + 32L;
    }

    @Override
    public String toString() {
        return "StoredFrame{" + timeUs + " " + width + "x" + height + (jpeg ? " jpeg " : " rgb ") + data.length + " B}";
    }
}
