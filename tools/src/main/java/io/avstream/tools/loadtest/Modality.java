package io.avstream.tools.loadtest;

import java.util.Locale;

/** The input kinds a load test can generate; MoCap, audio and speech run end to end so far. */
public enum Modality {
    MOCAP("mocap", true),
    AUDIO("audio", true),
    SPEECH("speech", true),
    AUDIO_VIDEO("audio+video", false);

    private final String cliName;
    private final boolean built;

    Modality(String cliName, boolean built) {
        this.cliName = cliName;
        this.built = built;
    }

    /** The name on the command line. */
    public String cliName() {
        return cliName;
    }

    /** Whether the pipeline for this input exists (producer, job path and model). */
    public boolean built() {
        return built;
    }

    /**
     * The modality named {@code s}, if its pipeline is built.
     *
     * @throws IllegalArgumentException naming the known modalities, or saying that this one is not built yet
     */
    public static Modality parse(String s) {
        String name = s == null ? "" : s.trim().toLowerCase(Locale.ROOT);
        for (Modality m : values()) {
            if (m.cliName.equals(name)) {
                if (!m.built) {
                    throw new IllegalArgumentException("modality '" + m.cliName + "' is not built yet: only mocap and audio "
                            + "have a producer, job path and model today");
                }
                return m;
            }
        }
        throw new IllegalArgumentException("unknown modality '" + s + "': use mocap, audio or speech (audio+video is "
                + "not built yet)");
    }
}
