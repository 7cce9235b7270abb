package io.avstream.sinks;

import java.io.IOException;
import java.util.Collection;
import java.util.List;

import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.connector.sink2.Committer;
import org.apache.flink.api.connector.sink2.CommitterInitContext;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.connector.kafka.sink.KafkaCommittable;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.sink.KafkaWriterState;
import org.apache.flink.connector.kafka.sink.TwoPhaseCommittingStatefulSink;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.streaming.api.connector.sink2.CommittableMessage;
import org.apache.flink.streaming.api.connector.sink2.SupportsPostCommitTopology;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.lineage.LineageVertex;
import org.apache.flink.streaming.api.lineage.LineageVertexProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kafka sink whose writer flushes its producer before it closes; everything else is the wrapped
 * {@link KafkaSink}'s (same writer state, committables and committer, so savepoints of either restore
 * into the other).
 *
 * <p>Why: {@code flink stop} takes a savepoint without draining the job. Results that complete after
 * the savepoint's barrier (async inference finishing in flight) are still written, into the writer's
 * next transaction, and the records may sit in the producer's buffer (linger) when the writer closes
 * and aborts that transaction. The producer then fails those unsent batches with
 * {@code TransactionAbortedException}, the writer reports it, and the job "failed during stopping"
 * although its savepoint was complete. Sending the buffered records before the abort leaves nothing
 * in flight to fail; the aborted records are in the savepoint's state and are written again by the job
 * that restores it. On a cancellation the task thread is interrupted, so the flush returns at once.
 */
final class FlushingKafkaSink<T> implements TwoPhaseCommittingStatefulSink<T, KafkaWriterState, KafkaCommittable>,
        SupportsPostCommitTopology<KafkaCommittable>, LineageVertexProvider {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(FlushingKafkaSink.class);

    private final KafkaSink<T> delegate;

    FlushingKafkaSink(KafkaSink<T> delegate) {
        this.delegate = delegate;
    }

    /** The wrapped sink. */
    KafkaSink<T> delegate() {
        return delegate;
    }

    @Override
    public PrecommittingStatefulSinkWriter<T, KafkaWriterState, KafkaCommittable> createWriter(WriterInitContext context)
            throws IOException {
        return new FlushingWriter<>(delegate.createWriter(context));
    }

    @Override
    public PrecommittingStatefulSinkWriter<T, KafkaWriterState, KafkaCommittable> restoreWriter(WriterInitContext context,
            Collection<KafkaWriterState> recoveredState) throws IOException {
        return new FlushingWriter<>(delegate.restoreWriter(context, recoveredState));
    }

    @Override
    public SimpleVersionedSerializer<KafkaWriterState> getWriterStateSerializer() {
        return delegate.getWriterStateSerializer();
    }

    @Override
    public Committer<KafkaCommittable> createCommitter(CommitterInitContext context) throws IOException {
        return delegate.createCommitter(context);
    }

    @Override
    public SimpleVersionedSerializer<KafkaCommittable> getCommittableSerializer() {
        return delegate.getCommittableSerializer();
    }

    @Override
    public void addPostCommitTopology(DataStream<CommittableMessage<KafkaCommittable>> committables) {
        delegate.addPostCommitTopology(committables);
    }

    @Override
    public LineageVertex getLineageVertex() {
        return delegate.getLineageVertex();
    }

    /** The wrapped writer, flushed before it closes. */
    static final class FlushingWriter<T> implements PrecommittingStatefulSinkWriter<T, KafkaWriterState, KafkaCommittable> {
        private final PrecommittingStatefulSinkWriter<T, KafkaWriterState, KafkaCommittable> writer;

        FlushingWriter(PrecommittingStatefulSinkWriter<T, KafkaWriterState, KafkaCommittable> writer) {
            this.writer = writer;
        }

        @Override
        public void write(T element, Context context) throws IOException, InterruptedException {
            writer.write(element, context);
        }

        @Override
        public void flush(boolean endOfInput) throws IOException, InterruptedException {
            writer.flush(endOfInput);
        }

        @Override
        public void writeWatermark(Watermark watermark) throws IOException, InterruptedException {
            writer.writeWatermark(watermark);
        }

        @Override
        public Collection<KafkaCommittable> prepareCommit() throws IOException, InterruptedException {
            return writer.prepareCommit();
        }

        @Override
        public List<KafkaWriterState> snapshotState(long checkpointId) throws IOException {
            return writer.snapshotState(checkpointId);
        }

        @Override
        public void close() throws Exception {
            try {
                writer.flush(false);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                // the close below aborts the transaction anyway; what could not be sent is in the last checkpoint
                LOG.info("Flushing the Kafka writer before it closes failed: {}", e.toString());
            } finally {
                writer.close();
            }
        }
    }
}
