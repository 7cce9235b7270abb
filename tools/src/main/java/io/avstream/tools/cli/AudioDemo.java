package io.avstream.tools.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.avstream.schemas.AudioEvent;
import io.avstream.schemas.Prediction;

/**
 * The demo's audio: streams that play the bundled recording with known events ({@link KnownEvents}) in a loop, in
 * real time, through the capture path ({@code produce --input}); a consumer of the audio-event predictions that prints
 * each window's tags and each event as it ends, next to the known event it matches; at the end, the events of each
 * stream's first pass over the recording scored against the known ones.
 */
final class AudioDemo extends LoopedRecordingDemo {

    private final KnownEvents known = KnownEvents.bundled();
    private final LatencySummary summary = new LatencySummary();
    private final Map<String, List<KnownEvents.Event>> firstPass = new TreeMap<>();

    AudioDemo(String bootstrapServers, String predictionsTopic, int count, PrintStream out, boolean quiet) throws IOException {
        super(bootstrapServers, predictionsTopic, count, "audio-", KnownEvents::copyRecording, out, quiet);
    }

    @Override
    void start() {
        super.start();
        out.printf("playing %d audio streams (a %.0f s recording with %d known events, looped)%n", streams.size(),
                known.seconds(), known.truth().size());
    }

    @Override
    protected void onPrediction(Prediction p, long arrivalUs) {
        AudioEvent e = p.getEvent();
        if (e == null) {
            summary.record(p, arrivalUs);
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

    /** Prints what the audio streams produced. */
    synchronized void finish(double seconds) {
        out.printf("%naudio: sent %d chunks; window predictions:", producer.audioSent());
        summary.print(out, seconds);
        for (String s : streams) {
            List<KnownEvents.Event> events = firstPass.getOrDefault(s, List.of());
            if (seconds >= known.seconds() + 5) {
                out.printf("%s, first pass over the recording: events %s%n", s, known.score(events));
            }
        }
    }
}
