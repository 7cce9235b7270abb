package io.avstream.tools.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A recording of spoken phrases at known times, the demo's speaking stream ({@code demo/speech.flac} and its
 * {@code .json}, made by {@code models/python/avstream_models/speech_recording.py}), and the word error rate of
 * transcripts against what was said.
 */
public final class KnownSpeech {

    /** The recording on the classpath. */
    public static final String RESOURCE = "/demo/speech";

    /** A phrase: what was said, by which voice, from when to when (seconds into the recording). */
    public record Phrase(String text, String voice, double start, double end) {}

    private final List<Phrase> phrases;
    private final double seconds;

    private KnownSpeech(List<Phrase> phrases, double seconds) {
        this.phrases = List.copyOf(phrases);
        this.seconds = seconds;
    }

    /** The phrases of the bundled recording. */
    public static KnownSpeech bundled() {
        JsonNode root = BundledRecording.truth(RESOURCE);
        List<Phrase> phrases = new ArrayList<>();
        for (JsonNode p : root.get("phrases")) {
            phrases.add(new Phrase(p.get("text").asText(), p.get("voice").asText(), p.get("start").asDouble(),
                    p.get("end").asDouble()));
        }
        return new KnownSpeech(phrases, root.get("seconds").asDouble());
    }

    public List<Phrase> phrases() {
        return phrases;
    }

    public double seconds() {
        return seconds;
    }

    /** The phrase that overlaps {@code [start, end)} (seconds into the recording) the most, or null. */
    public Phrase said(double start, double end) {
        Phrase best = null;
        double most = 0;
        for (Phrase p : phrases) {
            double overlap = Math.min(end, p.end()) - Math.max(start, p.start());
            if (overlap > most) {
                most = overlap;
                best = p;
            }
        }
        return best;
    }

    /** The bundled recording copied to a file (FFmpeg reads files, not class-path resources). */
    public static Path copyRecording(Path dir) {
        return BundledRecording.copy(RESOURCE, dir, "speech.flac");
    }

    /** The bundled recording decoded to mono 16-bit samples at {@code sampleRate}. */
    public static short[] recordingPcm(int sampleRate) {
        return BundledRecording.pcm(RESOURCE, "speech.flac", sampleRate);
    }

    /** Word edits (substitutions, insertions, deletions) that turn {@code said} into {@code heard}. */
    public static int wordErrors(String said, String heard) {
        String[] a = words(said);
        String[] b = words(heard);
        int[] prev = new int[b.length + 1];
        int[] cur = new int[b.length + 1];
        for (int j = 0; j <= b.length; j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length; i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length; j++) {
                cur[j] = Math.min(Math.min(prev[j] + 1, cur[j - 1] + 1), prev[j - 1] + (a[i - 1].equals(b[j - 1]) ? 0 : 1));
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length];
    }

    /** The words of a text, lower case. */
    public static String[] words(String text) {
        String t = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
        return t.isEmpty() ? new String[0] : t.split("\\s+");
    }
}
