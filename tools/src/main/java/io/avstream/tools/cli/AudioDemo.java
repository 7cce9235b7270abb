package io.avstream.tools.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.avstream.operators.audioevents.AudioEventsModel;
import io.avstream.operators.inference.ModelRef;
import io.avstream.schemas.AudioEvent;
import io.avstream.schemas.Prediction;

/**
 * The demo's audio (and audio-visual) streams: streams that play a bundled recording with known events ({@link
 * KnownEvents}) in a loop, in real time, through the capture path ({@code produce --input}); a consumer of the
 * audio-event predictions that prints
 * each window's tags and each event as it ends, next to the known event it matches; at the end, the events of each
 * stream's first pass over the recording scored against the known ones.
 */
final class AudioDemo extends LoopedRecordingDemo {

    private final KnownEvents known;
    private final String kind;
    /** How long after the recording's end its first pass's events have all come. */
    private final double settleSeconds;
    private final LatencySummary summary = new LatencySummary();
    private final Map<String, List<KnownEvents.Event>> firstPass = new TreeMap<>();
    private final Map<String, long[]> windowsByModel = new TreeMap<>();

    AudioDemo(String bootstrapServers, String predictionsTopic, int count, PrintStream out, boolean quiet, String model)
            throws IOException {
        super(bootstrapServers, predictionsTopic, count, "audio-", KnownEvents::copyRecording, out, quiet);
        this.known = KnownEvents.bundled();
        this.kind = "audio";
        this.settleSeconds = settleSeconds(model);
    }

    /**
     * Camera streams of the bundled audio-visual recording ({@link KnownEvents#audioVisual()}: some events faint while
     * their source is in view), audio and 2 fps video, for the audio-visual pipeline.
     */
    AudioDemo(String bootstrapServers, String predictionsTopic, int count, PrintStream out, boolean quiet, String audioTopic,
            String videoTopic, String model) throws IOException {
        super(bootstrapServers, predictionsTopic, count, "cam-", KnownEvents::copyAudioVisual, out, quiet, audioTopic,
                videoTopic);
        this.known = KnownEvents.audioVisual();
        this.kind = "audio-visual";
        this.settleSeconds = settleSeconds(model);
    }

    /**
     * 5 s, plus the lookahead of the job's package ({@code model}, a model reference): a package that judges each
     * moment from a later window reports its events that much later.
     */
    private static double settleSeconds(String model) {
        return 5 + AudioEventsModel.of(ModelRef.of(model).load()).tracker().lookaheadUs() / 1e6;
    }

    @Override
    void start() {
        super.start();
        out.printf("playing %d %s streams (a %.0f s recording with %d known events, looped)%n", streams.size(), kind,
                known.seconds(), known.truth().size());
    }

    @Override
    protected void onPrediction(Prediction p, long arrivalUs) {
        AudioEvent e = p.getEvent();
        if (e == null) {
            summary.record(p, arrivalUs);
            windowsByModel.computeIfAbsent(p.getModelName(), k -> new long[1])[0]++;
            if (!quiet && !p.getTags().isEmpty()) {
                Cli.printPrediction(out, p, arrivalUs);
            }
            return;
        }
        long origin = producer.firstAudioCaptureUs(p.getStreamId()).orElse(e.getOnsetUs());
        double on = (e.getOnsetUs() - origin) / 1e6;
        double off = (e.getOffsetUs() - origin) / 1e6;
        KnownEvents.Event detected = new KnownEvents.Event(e.getLabel().getIndex(), e.getLabel().getName(), on, off);
        double pass = Math.floor(on / known.seconds());
        KnownEvents.Event inPass = new KnownEvents.Event(detected.cls(), detected.label(), on - pass * known.seconds(),
                off - pass * known.seconds());
        KnownEvents.Event match = known.matching(inPass);
        if (off <= known.seconds()) {
            firstPass.computeIfAbsent(p.getStreamId(), k -> new ArrayList<>()).add(detected);
        }
        if (!quiet) {
            out.printf("%-12s EVENT %-22s %6.2f-%6.2f s  peak %.2f  %s%n", p.getStreamId(), e.getLabel().getName(),
                    inPass.onset(), inPass.offset(), e.getLabel().getScore(),
                    match == null ? "(no known event)" : String.format("(known %.2f-%.2f s)", match.onset(), match.offset()));
        }
    }

    /** Prints what the streams produced. */
    synchronized void finish(double seconds) {
        out.printf("%n%s: sent %d chunks; window predictions:", kind, producer.audioSent());
        summary.print(out, seconds);
        if (!kind.equals("audio")) {
            windowsByModel.forEach((model, n) -> out.printf("  %d windows by %s%n", n[0], model));
        }
        for (String s : streams) {
            List<KnownEvents.Event> events = firstPass.getOrDefault(s, List.of());
            if (seconds >= known.seconds() + settleSeconds) {
                out.printf("%s, first pass over the recording: events %s%n", s, known.score(events));
            }
        }
    }
}
