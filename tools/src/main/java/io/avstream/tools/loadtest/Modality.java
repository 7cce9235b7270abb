package io.avstream.tools.loadtest;

import java.util.Locale;

/** The input kinds a load test can generate: MoCap, audio, speech and audio with video (cameras). */
public enum Modality {
    MOCAP("mocap"),
    AUDIO("audio"),
    SPEECH("speech"),
    AUDIO_VIDEO("audio-video");

    private final String cliName;

    Modality(String cliName) {
        this.cliName = cliName;
    }

    /** The name on the command line. */
    public String cliName() {
        return cliName;
    }

    /**
     * The modality named {@code s} (case and surrounding blanks ignored; {@code audio+video} is {@code audio-video}).
     *
     * @throws IllegalArgumentException naming the known modalities
     */
    public static Modality parse(String s) {
        String name = s == null ? "" : s.trim().toLowerCase(Locale.ROOT).replace('+', '-');
        for (Modality m : values()) {
            if (m.cliName.equals(name)) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown modality '" + s + "': use mocap, audio, speech or audio-video");
    }
}
