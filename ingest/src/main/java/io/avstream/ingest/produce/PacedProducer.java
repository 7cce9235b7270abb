package io.avstream.ingest.produce;

/**
 * A producer that sends many synthetic streams to Kafka in real time from one pacing thread, as a load test
 * drives them: started once, stopped once, counting what the broker acknowledged and how far the pacing fell
 * behind its schedule.
 */
public interface PacedProducer extends AutoCloseable {

    /** The id of the i-th stream of a producer with this stream prefix: the prefix and i in four digits. */
    static String streamId(String prefix, int i) {
        return String.format("%s%04d", prefix, i);
    }

    /** Starts sending on a background thread. */
    void start();

    /** The capture time of stream {@code i}'s first record, epoch microseconds (once started). */
    long streamStartUs(int i);

    /** Records (frames or chunks) acknowledged by the broker. */
    long sent();

    /** How far behind real time the last tick started, microseconds (0 when keeping up). */
    long behindMicros();

    /** Stops sending and flushes what was sent. */
    void stop() throws InterruptedException;

    @Override
    void close() throws InterruptedException;
}
