package io.avstream.operators.audioevents;

import java.io.Serializable;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import io.avstream.models.ModelManifest;
import io.avstream.models.ModelPackage;
import io.avstream.models.TensorSpec;
import io.avstream.operators.audio.KaldiFbank;

/**
 * What the job needs to know of an audio-event model package around its graph, read and checked once: the
 * input and output tensors, the filterbank and normalisation the model was trained with (they must be the
 * job's, {@link KaldiFbank#mavil()}), the frames of a window and of a time column, and the calibrated tag and
 * event thresholds. A package that disagrees is refused, naming the field.
 */
public final class AudioEventsModel implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Tensor names bound by the translator. */
    public static final String FBANK = "fbank";
    public static final String LOGITS = "logits";
    public static final String FRAME_LOGITS = "frame_logits";

    private final int frames;
    private final int bins;
    private final int columnFrames;
    private final int classes;
    private final float mean;
    private final float std;
    private final float[] clipThresholds;
    private final float[] enter;
    private final float[] exit;
    private final long minDurationUs;
    private final long mergeGapUs;
    private final long lookaheadUs;

    private AudioEventsModel(ModelPackage pkg) {
        ModelManifest m = pkg.manifest();
        TensorSpec in = m.input(FBANK).orElseThrow(() -> refuse(pkg, "has no input '" + FBANK + "'"));
        TensorSpec logits = m.outputs().stream().filter(t -> t.name().equals(LOGITS)).findFirst()
                .orElseThrow(() -> refuse(pkg, "has no output '" + LOGITS + "'"));
        TensorSpec columns = m.outputs().stream().filter(t -> t.name().equals(FRAME_LOGITS)).findFirst()
                .orElseThrow(() -> refuse(pkg, "has no output '" + FRAME_LOGITS + "'"));
        if (in.rank() != 4 || in.dim(1) != 1) {
            throw refuse(pkg, "input '" + FBANK + "' must be [batch, 1, frames, bins], is " + in);
        }
        this.frames = (int) in.dim(2);
        this.bins = (int) in.dim(3);
        this.classes = (int) logits.dim(logits.rank() - 1);
        if (columns.rank() != 3 || columns.dim(2) != classes) {
            throw refuse(pkg, "output '" + FRAME_LOGITS + "' must be [batch, columns, " + classes + "], is " + columns);
        }
        JsonNode pre = m.preprocessing();
        KaldiFbank.Options job = KaldiFbank.Options.mavil();
        require(pkg, pre, "sample_rate", job.sampleRate());
        require(pkg, pre, "num_mel_bins", job.numMelBins());
        require(pkg, pre, "frame_shift_ms", job.frameShiftMs());
        require(pkg, pre, "frame_length_ms", job.frameLengthMs());
        require(pkg, pre, "frames", frames);
        if (bins != job.numMelBins()) {
            throw refuse(pkg, "input '" + FBANK + "' has " + bins + " bins; the job's filterbank has " + job.numMelBins());
        }
        this.mean = (float) number(pkg, pre, "normalisation_mean");
        this.std = (float) number(pkg, pre, "normalisation_std");
        this.columnFrames = (int) number(pkg, pre, "column_frames");
        if (columnFrames < 1 || frames % columnFrames != 0) {
            throw refuse(pkg, "preprocessing.column_frames " + columnFrames + " does not divide the " + frames + " frames");
        }
        JsonNode post = m.postprocessing();
        this.clipThresholds = floats(pkg, post.path("clip_thresholds"), "postprocessing.clip_thresholds");
        JsonNode events = post.path("events");
        this.enter = floats(pkg, events.path("enter"), "postprocessing.events.enter");
        this.exit = floats(pkg, events.path("exit"), "postprocessing.events.exit");
        this.minDurationUs = (long) number(pkg, events, "min_duration_ms") * 1000;
        this.mergeGapUs = (long) number(pkg, events, "merge_gap_ms") * 1000;
        this.lookaheadUs = events.path("lookahead_ms").asLong(0) * 1000;
        long windowMs = (long) (frames * number(pkg, pre, "frame_shift_ms"));
        if (lookaheadUs < 0 || lookaheadUs >= windowMs * 1000) {
            throw refuse(pkg, "postprocessing.events.lookahead_ms " + lookaheadUs / 1000 + " is not within the "
                    + windowMs + " ms of a window");
        }
        List<String> ids = pkg.labelIds();
        if (!ids.isEmpty() && ids.size() != classes) {
            throw refuse(pkg, "has " + ids.size() + " label ids for " + classes + " classes");
        }
    }

    /**
     * Reads and checks the package.
     *
     * @throws IllegalArgumentException naming what does not fit the job
     */
    public static AudioEventsModel of(ModelPackage pkg) {
        return new AudioEventsModel(pkg);
    }

    private static IllegalArgumentException refuse(ModelPackage pkg, String what) {
        return new IllegalArgumentException("audio-event model " + pkg.id() + " " + what);
    }

    private static void require(ModelPackage pkg, JsonNode pre, String field, double expected) {
        double v = number(pkg, pre, field);
        if (v != expected) {
            throw refuse(pkg, "was trained with preprocessing." + field + " = " + v + ", the job computes " + expected);
        }
    }

    private static double number(ModelPackage pkg, JsonNode node, String field) {
        JsonNode v = node.path(field);
        if (!v.isNumber()) {
            throw refuse(pkg, "has no number at '" + field + "'");
        }
        return v.doubleValue();
    }

    private float[] floats(ModelPackage pkg, JsonNode array, String field) {
        if (!array.isArray() || array.size() != classes) {
            throw refuse(pkg, "needs '" + field + "': " + classes + " numbers, one per class");
        }
        float[] out = new float[classes];
        for (int i = 0; i < classes; i++) {
            if (!array.get(i).isNumber()) {
                throw refuse(pkg, "has a value that is not a number in '" + field + "'");
            }
            out[i] = array.get(i).floatValue();
        }
        return out;
    }

    public int frames() {
        return frames;
    }

    public int bins() {
        return bins;
    }

    public int classes() {
        return classes;
    }

    public int columnFrames() {
        return columnFrames;
    }

    public float[] clipThresholds() {
        return clipThresholds.clone();
    }

    /** The model input of a window's raw frames: cut to the newest {@link #frames()}, zero-padded at the end, normalised. */
    public float[] input(float[] fbank, int windowFrames) {
        float[] x = new float[frames * bins];
        int n = Math.min(windowFrames, frames);
        int from = (windowFrames - n) * bins;
        System.arraycopy(fbank, from, x, 0, n * bins);
        float scale = 1f / (2 * std);
        for (int i = 0; i < x.length; i++) {
            x[i] = (x[i] - mean) * scale;
        }
        return x;
    }

    /** The event tracker of the package's calibrated thresholds. */
    public EventTracker tracker() {
        return new EventTracker(enter, exit, minDurationUs, mergeGapUs, lookaheadUs);
    }
}
