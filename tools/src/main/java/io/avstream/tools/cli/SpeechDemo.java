package io.avstream.tools.cli;

import java.io.IOException;
import java.io.PrintStream;

import io.avstream.schemas.Prediction;

/**
 * The demo's speech: streams that play the bundled recording of spoken phrases ({@link KnownSpeech}) in a loop, in
 * real time, through the capture path ({@code produce --input}); a consumer of the speech predictions that prints each
 * transcript as it arrives (interim ones too, marked so) next to what was said; at the end, the word error rate over the phrases heard.
 */
final class SpeechDemo extends LoopedRecordingDemo {

    private final KnownSpeech known = KnownSpeech.bundled();
    private final LatencySummary summary = new LatencySummary();
    private int words;
    private int errors;
    private int segments;

    SpeechDemo(String bootstrapServers, String predictionsTopic, int count, PrintStream out, boolean quiet) throws IOException {
        super(bootstrapServers, predictionsTopic, count, "speech-", KnownSpeech::copyRecording, out, quiet);
    }

    @Override
    void start() {
        super.start();
        out.printf("playing %d speaking streams (a %.0f s recording of %d phrases, looped)%n", streams.size(),
                known.seconds(), known.phrases().size());
    }

    @Override
    protected void onPrediction(Prediction p, long arrivalUs) {
        if (p.getSpeech() == null) {
            return;
        }
        if (!p.getSpeech().getFinal$()) {
            if (!quiet) {
                Cli.printPrediction(out, p, arrivalUs);
            }
            return;
        }
        summary.record(p, arrivalUs);
        segments++;
        KnownSpeech.Phrase said = null;
        var origin = producer.firstAudioCaptureUs(p.getStreamId());
        if (streams.contains(p.getStreamId()) && origin.isPresent()) {
            double start = (p.getSpeech().getSpeechStartUs() - origin.getAsLong()) / 1e6 % known.seconds();
            double end = start + (p.getSpeech().getSpeechEndUs() - p.getSpeech().getSpeechStartUs()) / 1e6;
            said = known.said(start, end);
            if (said != null) {
                words += KnownSpeech.words(said.text()).length;
                errors += KnownSpeech.wordErrors(said.text(), p.getText());
            }
        }
        if (!quiet) {
            Cli.printPrediction(out, p, arrivalUs);
            if (said != null) {
                out.printf("%-12s   said \"%s\" (%s)%n", "", said.text(), said.voice());
            }
        }
    }

    /** Prints what the speaking streams produced. */
    synchronized void finish(double seconds) {
        out.printf("%nspeech: %d segments; latency:", segments);
        summary.print(out, seconds);
        if (words > 0) {
            out.printf("word error rate against what was said: %.1f %% (%d errors in %d words)%n", 100.0 * errors / words,
                    errors, words);
        }
    }
}
