package io.avstream.tools.cli;







import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;





/**
 * A recording with audio events at known times and how detected events score against them: the demo's audio stream
 * and the end-to-end test's input ({@code demo/audio-events.flac} and its {@code .json}, made by
 * {@code models/python/avstream_models/event_recording.py} from held-out sources).
 *
 * <p>A detected event matches an unmatched known event of the same class when its onset and its offset are both
 * within the tolerance, the rule of the model's held-out event precision and recall.
 */
public final class KnownEvents {

    /** The recording on the classpath, and the tolerance of onsets and offsets when scoring. */
    public static final String RESOURCE = "/demo/audio-events";
    public static final double TOLERANCE_SECONDS = 0.5;

    /** An event: the class index in the model's labels, its label, onset and offset in seconds of the recording. */
    public record Event(int cls, String label, double onset, double offset) {}

    /** True positives, detections and known events. */
    public record Score(int truePositives, int detections, int truths) {
        public double precision() {
            return detections == 0 ? Double.NaN : (double) truePositives / detections;
        }

        public double recall() {
            return truths == 0 ? Double.NaN : (double) truePositives / truths;
        }

        @Override
        public String toString() {
            return String.format("precision %.2f (%d of %d detected), recall %.2f (%d of %d known)", precision(),
                    truePositives, detections, recall(), truePositives, truths);
        }
    }

    private final List<Event> truth;
    private final double seconds;

    private KnownEvents(List<Event> truth, double seconds) {
        this.truth = List.copyOf(truth);
        this.seconds = seconds;
    }

    /** The audio-visual recording on the classpath: {@code .mkv} (Motion JPEG at 2 fps, FLAC) and {@code .json}. */
    public static final String AUDIO_VISUAL = "/demo/audio-visual";

    /** The events of the bundled recording. */
    public static KnownEvents bundled() {
        return of(RESOURCE);
    }

    /**
     * The events of the bundled audio-visual recording ({@code demo/audio-visual.mkv}, made by {@code
     * models/python/avstream_models/av_data.py --media} from held-out sources; some events faint while their source is
     * in view).
     */
    public static KnownEvents audioVisual() {
        return of(AUDIO_VISUAL);
    }

    /** The bundled audio-visual recording copied to a file. */
    public static Path copyAudioVisual(Path dir) {
        return BundledRecording.copy(AUDIO_VISUAL, dir, "audio-visual.mkv");
    }

    /**
     * The bundled audio-visual recording as {@code produce --input FILE --sample-rate R --channels 1} sends it: mono
     * 16-bit samples at {@code sampleRate} and its frames (2 fps JPEG), each at its offset from the first sample.
     */
    public static BundledRecording.Media audioVisualMedia(int sampleRate) {
        return BundledRecording.decode(AUDIO_VISUAL, "audio-visual.mkv", sampleRate, true);
    }

    /**
     * The events of a recording on the class path: {@code resource + ".json"} as {@code event_recording.py} and
     * {@code av_data.py --media} write it.
     */
    public static KnownEvents of(String resource) {
        JsonNode root = BundledRecording.truth(resource);
        List<Event> events = new ArrayList<>();
        for (JsonNode e : root.get("truth")) {
            events.add(new Event(e.get("class").asInt(), e.get("label").asText(), e.get("onset").asDouble(),
                    e.get("offset").asDouble()));
        }
        return new KnownEvents(events, root.get("seconds").asDouble());
    }

    /** The bundled recording copied to a file (FFmpeg reads files, not class-path resources). */
    public static Path copyRecording(Path dir) {
        return BundledRecording.copy(RESOURCE, dir, "audio-events.flac");
    }

    /**
     * The bundled recording decoded to mono 16-bit samples at {@code sampleRate} (FFmpeg's resampler and down-mix,
     * as {@code produce --sample-rate --channels 1} would send it).
     */
    public static short[] recordingPcm(int sampleRate) {
        return BundledRecording.pcm(RESOURCE, "audio-events.flac", sampleRate);
    }

    public List<Event> truth() {
        return truth;
    }

    /** The recording's length in seconds. */
    public double seconds() {
        return seconds;
    }

    /** The known event that {@code detected} matches, if any (ignoring whether another detection matched it first). */
    public Event matching(Event detected) {
        for (Event t : truth) {
            if (matches(detected, t)) {
                return t;
            }
        }
        return null;
    }

    /** How the detected events (times in seconds of the recording) score against the known ones. */
    public Score score(List<Event> detected) {
        boolean[] used = new boolean[truth.size()];
        int tp = 0;
        for (Event d : detected) {
            for (int i = 0; i < truth.size(); i++) {
                if (!used[i] && matches(d, truth.get(i))) {
                    used[i] = true;
                    tp++;
                    break;
                }
            }
        }
        return new Score(tp, detected.size(), truth.size());
    }

    private static boolean matches(Event d, Event t) {
        return d.cls() == t.cls() && Math.abs(d.onset() - t.onset()) <= TOLERANCE_SECONDS
                && Math.abs(d.offset() - t.offset()) <= TOLERANCE_SECONDS;
    }
}
