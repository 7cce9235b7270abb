package io.avstream.tools.testutils;

import java.util.concurrent.TimeUnit;

/** The ffmpeg command line, which tests use to make media files and serve live streams (.ci/run installs it). */
public final class Ffmpeg {

    private Ffmpeg() {}

    /** Whether {@code ffmpeg} runs on this machine. */
    public static boolean available() {
        try {
            Process p = new ProcessBuilder("ffmpeg", "-version").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (Exception e) {
            return false;
        }
    }
}
