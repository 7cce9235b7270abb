package io.avstream.tools.loadtest;

import java.time.Duration;

/** A phase a trial is to run: its name, length, stream count and whether its windows are measured. */
record PhasePlan(String name, Duration duration, int streams, boolean measured) {}
