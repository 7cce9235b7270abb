package io.avstream.operators.video;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;

import com.fasterxml.jackson.databind.JsonNode;
import io.avstream.models.ModelPackage;
import io.avstream.models.TensorSpec;

/**
 * The video input of an audio-visual model package, read and checked once: a tensor {@code video} of shape {@code
 * [batch, 3, frames, size, size]} and the package's {@code preprocessing.video} (frames, frames per second, size,
 * ImageNet mean and standard deviation), which must be what {@link FramePreprocessor} computes. Says which frame
 * times a window uses (MAViL's sampling: {@code frames} at {@code fps} over the span centred in the window) and makes
 * the model input of the chosen frames. A package that disagrees is refused, naming the field.
 */
public final class VideoInput implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The tensor name bound by the translator. */
    public static final String VIDEO = "video";

    private final int frames;
    private final int size;
    private final long frameUs;
    private final FramePreprocessor preprocessor;

    private VideoInput(ModelPackage pkg) {
        TensorSpec in = pkg.manifest().input(VIDEO).orElseThrow(() -> refuse(pkg, "has no input '" + VIDEO + "'"));
        if (in.rank() != 5 || in.dim(1) != 3 || in.dim(3) != in.dim(4)) {
            throw refuse(pkg, "input '" + VIDEO + "' must be [batch, 3, frames, size, size], is " + in);
        }
        this.frames = (int) in.dim(2);
        this.size = (int) in.dim(3);
        JsonNode v = pkg.manifest().preprocessing().path("video");
        if (!v.isObject()) {
            throw refuse(pkg, "has no preprocessing.video");
        }
        if (number(pkg, v, "frames") != frames || number(pkg, v, "size") != size) {
            throw refuse(pkg, "preprocessing.video frames and size must be the input's " + frames + " and " + size);
        }
        double fps = number(pkg, v, "fps");
        if (!(fps > 0)) {
            throw refuse(pkg, "preprocessing.video.fps must be positive, is " + fps);
        }
        this.frameUs = Math.round(1_000_000.0 / fps);
        for (int c = 0; c < 3; c++) {
            if (Math.abs(v.path("mean").path(c).asDouble(-1) - FramePreprocessor.MEAN[c]) > 1e-6
                    || Math.abs(v.path("std").path(c).asDouble(-1) - FramePreprocessor.STD[c]) > 1e-6) {
                throw refuse(pkg, "preprocessing.video mean and std must be ImageNet's, the job's normalisation");
            }
        }
        this.preprocessor = new FramePreprocessor(size);
    }

    /**
     * Reads and checks the package.
     *
     * @throws IllegalArgumentException naming what does not fit the job
     */
    public static VideoInput of(ModelPackage pkg) {
        return new VideoInput(pkg);
    }

    private static IllegalArgumentException refuse(ModelPackage pkg, String what) {
        return new IllegalArgumentException("audio-visual model " + pkg.id() + " " + what);
    }

    private static double number(ModelPackage pkg, JsonNode node, String field) {
        JsonNode v = node.path(field);
        if (!v.isNumber()) {
            throw refuse(pkg, "has no number at 'preprocessing.video." + field + "'");
        }
        return v.doubleValue();
    }

    /** Frames per window (8 for MAViL). */
    public int frames() {
        return frames;
    }

    /** The time between two of a window's frames, microseconds (500 ms at MAViL's 2 fps). */
    public long frameUs() {
        return frameUs;
    }

    /** The video span of a window, microseconds: {@code frames * frameUs} (4 s for MAViL). */
    public long spanUs() {
        return frames * frameUs;
    }

    /** The time of frame slot {@code k} of a window centred at {@code centreUs}: {@code centre - span / 2 + k * frameUs}. */
    public long slotUs(long centreUs, int k) {
        return centreUs - spanUs() / 2 + k * frameUs;
    }

    /** Floats of one window's video input, {@code 3 * frames * size * size}. */
    public int length() {
        return 3 * frames * size * size;
    }

    /** The tensor's shape without the batch: {@code [3, frames, size, size]}. */
    public long[] shape() {
        return new long[] {3, frames, size, size};
    }

    /**
     * The model input {@code [3, frames, size, size]} of a window's frames, oldest first.
     *
     * @throws UncheckedIOException when a frame cannot be decoded
     */
    public float[] input(StoredFrame[] clip) {
        if (clip.length != frames) {
            throw new IllegalArgumentException("a window needs " + frames + " frames, got " + clip.length);
        }
        float[] out = new float[length()];
        int plane = size * size;
        for (int t = 0; t < frames; t++) {
            try {
                preprocessor.process(clip[t].rgb(), out, t * plane, frames * plane);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot decode " + clip[t], e);
            }
        }
        return out;
    }
}
