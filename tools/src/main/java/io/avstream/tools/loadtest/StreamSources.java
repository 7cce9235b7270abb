package io.avstream.tools.loadtest;

import java.util.ArrayList;
import java.util.List;

import io.avstream.ingest.produce.PacedProducer;
import io.avstream.schemas.EpochMicros;

/**
 * The producers of one trial, each pacing a range of streams in real time: a phase with more streams
 * than now starts a new producer, one with fewer stops the newest ones (phases only return to an
 * earlier count). Each producer's streams are named {@code <trial prefix><letter>-<index>}.
 */
final class StreamSources {

    /** A producer of a range of streams, with when it ran (epoch microseconds). */
    static final class Source {
        final PacedProducer producer;
        final int streams;
        final String prefix;
        boolean closed;
        long startUs;
        long stopUs = Long.MAX_VALUE;
        long lastSent;

        Source(PacedProducer producer, int streams, String prefix) {
            this.producer = producer;
            this.streams = streams;
            this.prefix = prefix;
        }

        /** The id of the source's i-th stream, as its producer names it. */
        String streamId(int i) {
            return PacedProducer.streamId(prefix, i);
        }

        boolean running() {
            return stopUs == Long.MAX_VALUE;
        }

        void close() throws InterruptedException {
            if (!closed) {
                closed = true;
                producer.close();
            }
        }
    }

    /** What the producers did in one second: streams running at its end and records (frames, chunks) sent in it. */
    record Second(int active, long framesSent) {}

    private final LoadSettings s;
    private final Deployment d;
    private final String prefix;
    private final LoadRecorder recorder;
    private final ExpectedWindows windows;
    private final List<Source> sources = new ArrayList<>();
    private double maxLagMs;

    StreamSources(LoadSettings s, Deployment d, String prefix, LoadRecorder recorder, ExpectedWindows windows) {
        this.s = s;
        this.d = d;
        this.prefix = prefix;
        this.recorder = recorder;
        this.windows = windows;
    }

    /** Every producer started so far, running or stopped. */
    List<Source> all() {
        return sources;
    }

    /** Runs {@code streams} streams from now on. */
    void setStreams(int streams) throws InterruptedException {
        int active = sources.stream().filter(Source::running).mapToInt(x -> x.streams).sum();
        if (streams > active) {
            int k = sources.size();
            String sourcePrefix = prefix + (char) ('a' + k) + "-";
            PacedProducer p = s.profile.producer(d, sourcePrefix, streams - active, s.seed + k,
                    s.producerProperties);
            Source source = new Source(p, streams - active, sourcePrefix);
            source.startUs = EpochMicros.now();
            p.start();
            sources.add(source);
        } else {
            for (int i = sources.size() - 1; i >= 0 && active > streams; i--) {
                Source source = sources.get(i);
                if (source.running()) {
                    source.producer.stop();
                    source.stopUs = EpochMicros.now();
                    recorder.stopStreams(source.prefix, windows.lastClosingWindowEnd(source.stopUs));
                    active -= source.streams;
                }
            }
            if (active != streams) {
                throw new IllegalStateException("phases can only return to an earlier stream count");
            }
        }
    }

    /** Stops every producer at {@code stopUs} (the end of the last phase). */
    void stopAll(long stopUs) throws InterruptedException {
        for (Source source : sources) {
            source.producer.stop();
            source.stopUs = Math.min(source.stopUs, stopUs);
        }
    }

    /** The frames sent since the last call and the streams running now; tracks the producers' lag. */
    Second second() {
        int active = 0;
        long sentDelta = 0;
        for (Source source : sources) {
            long sent = source.producer.sent();
            sentDelta += sent - source.lastSent;
            source.lastSent = sent;
            if (source.running()) {
                active += source.streams;
                maxLagMs = Math.max(maxLagMs, source.producer.behindMicros() / 1000.0);
            }
        }
        return new Second(active, sentDelta);
    }

    /** The most a running producer fell behind its schedule, milliseconds. */
    double maxLagMs() {
        return maxLagMs;
    }

    /** Closes every producer. */
    void close() throws InterruptedException {
        for (Source source : sources) {
            source.close();
        }
    }

    /** Closes every producer, ignoring failures (the broker may be gone already). */
    void closeQuietly() throws InterruptedException {
        for (Source source : sources) {
            try {
                source.close();
            } catch (RuntimeException ignored) {
                // the broker is gone already
            }
        }
    }
}
