package io.avstream.sinks;

import org.apache.flink.connector.base.DeliveryGuarantee;

/**
 * Delivery of predictions to Kafka. Exactly-once writes in Kafka transactions committed at
 * checkpoints: consumers reading {@code read_committed} see a prediction only after the checkpoint
 * that covers it, so its latency includes up to one checkpoint interval. At-least-once writes at
 * once; after a failure a prediction may be written twice, with the same deterministic id.
 */
public enum DeliveryMode {
    EXACTLY_ONCE(DeliveryGuarantee.EXACTLY_ONCE),
    AT_LEAST_ONCE(DeliveryGuarantee.AT_LEAST_ONCE);

    private final DeliveryGuarantee guarantee;

    DeliveryMode(DeliveryGuarantee guarantee) {
        this.guarantee = guarantee;
    }

    public DeliveryGuarantee guarantee() {
        return guarantee;
    }

    /** The configuration name: {@code exactly-once} or {@code at-least-once}. */
    public String id() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    /** The configuration name, so that typed options parse and print it ({@link #id()}). */
    @Override
    public String toString() {
        return id();
    }

    /** Parses {@code exactly-once} / {@code at-least-once} (case and separators ignored). */
    public static DeliveryMode parse(String s) {
        String n = s.trim().toUpperCase(java.util.Locale.ROOT).replace('-', '_');
        try {
            return valueOf(n);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown delivery mode '" + s + "': use exactly-once or at-least-once", e);
        }
    }
}
