package io.avstream.ingest.validate;

import java.util.EnumMap;
import java.util.Map;

import io.avstream.schemas.DeadLetter;
import io.avstream.schemas.ReasonCode;
import io.avstream.schemas.Stamped;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Passes valid records on and sends dead letters to the {@link #DEAD_LETTERS} side output; counters
 * {@code deadLetters}, {@code deadLetters.<REASON>} and {@code validRecords} move with them.
 *
 * @param <T> the record type
 */
public final class DeadLetterRouter<T> extends ProcessFunction<Decoded<T>, Stamped<T>>
        implements ResultTypeQueryable<Stamped<T>> {
    private static final long serialVersionUID = 1L;

    /** The dead-letter side output. */
    public static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("dead-letters") {};

    private final TypeInformation<Stamped<T>> type;
    private transient Counter deadLetters;
    private transient Counter valid;
    private transient Map<ReasonCode, Counter> byReason;

    public DeadLetterRouter(TypeInformation<Stamped<T>> type) {
        this.type = type;
    }

    @Override
    public void open(OpenContext ctx) {
        MetricGroup g = getRuntimeContext().getMetricGroup();
        deadLetters = g.counter("deadLetters");
        valid = g.counter("validRecords");
        byReason = new EnumMap<>(ReasonCode.class);
        MetricGroup reasons = g.addGroup("deadLetters");
        for (ReasonCode code : ReasonCode.values()) {
            byReason.put(code, reasons.counter(code.name()));
        }
    }

    @Override
    public void processElement(Decoded<T> d, Context ctx, Collector<Stamped<T>> out) {
        if (d.record != null) {
            valid.inc();
            out.collect(d.record);
            return;
        }
        deadLetters.inc();
        Counter c = byReason.get(reasonOf(d.deadLetter));
        if (c != null) {
            c.inc();
        }
        ctx.output(DEAD_LETTERS, d.deadLetter);
    }

    private static ReasonCode reasonOf(DeadLetter d) {
        try {
            return ReasonCode.valueOf(d.getReason());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    @Override
    public TypeInformation<Stamped<T>> getProducedType() {
        return type;
    }

    long deadLetterCount() {
        return deadLetters.getCount();
    }

    long deadLetterCount(ReasonCode reason) {
        return byReason.get(reason).getCount();
    }
}
