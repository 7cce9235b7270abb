package io.avstream.tools.cli;

import java.time.Duration;

import org.apache.flink.util.TimeUtils;
import picocli.CommandLine;

/** Reads durations such as {@code 60s}, {@code 2 min}, {@code 500ms}. */
public final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
        return TimeUtils.parseDuration(value);
    }
}
