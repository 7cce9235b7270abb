package io.avstream.tools.loadtest;

/** The job's {@code windowsClosed} and {@code shedWindows} counters as read at {@code atUs} (epoch microseconds). */
record CounterTick(long atUs, long windows, long shed) {}
