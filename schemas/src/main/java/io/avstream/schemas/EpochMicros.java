package io.avstream.schemas;

import java.time.Instant;

/** The wall clock in microseconds since the epoch, the unit of every time field in the schemas. */
public final class EpochMicros {
    private EpochMicros() {}

    /** Now, with the clock's microsecond precision. */
    public static long now() {
        Instant t = Instant.now();
        return t.getEpochSecond() * 1_000_000L + t.getNano() / 1_000;
    }
}
