package io.avstream.deploy.pipeline;

import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/** Where a job without a checkpoint starts reading its input topics. */
public enum StartingOffsets {
    /** The consumer group's committed offsets, or the earliest where there are none. */
    COMMITTED_OR_EARLIEST,
    /** The earliest offsets. */
    EARLIEST,
    /** The latest offsets: only what is written after the start. */
    LATEST;

    /** The Kafka source's initializer. */
    public OffsetsInitializer initializer() {
        return switch (this) {
            case COMMITTED_OR_EARLIEST -> OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST);
            case EARLIEST -> OffsetsInitializer.earliest();
            case LATEST -> OffsetsInitializer.latest();
        };
    }

    /** The configuration name, e.g. {@code committed-or-earliest} (typed options parse and print it). */
    @Override
    public String toString() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
