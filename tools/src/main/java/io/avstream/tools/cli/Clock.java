package io.avstream.tools.cli;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** Formats event times for the console. */
final class Clock {
    private static final DateTimeFormatter HMS = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);

    private Clock() {}

    static String hms(long epochUs) {
        return HMS.format(Instant.ofEpochMilli(epochUs / 1000));
    }
}
