package io.avstream.sinks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import io.avstream.schemas.Prediction;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SupportsCommitter;
import org.apache.flink.api.connector.sink2.SupportsWriterState;
import org.apache.flink.connector.kafka.sink.KafkaCommittable;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.sink.KafkaWriterState;
import org.apache.flink.connector.kafka.sink.TwoPhaseCommittingStatefulSink.PrecommittingStatefulSinkWriter;
import org.apache.flink.streaming.api.connector.sink2.SupportsPostCommitTopology;
import org.junit.jupiter.api.Test;

class FlushingKafkaSinkTest {

    @Test
    void theWriterSendsWhatItBufferedBeforeItClosesAndAbortsItsTransaction() throws Exception {
        List<String> calls = new ArrayList<>();
        var writer = new FlushingKafkaSink.FlushingWriter<>(new RecordingWriter(calls));
        writer.write("a", null);
        writer.close();
        assertThat(calls).containsExactly("write a", "flush false", "close");
    }

    @Test
    void aFailingFlushStillClosesTheWriter() throws Exception {
        List<String> calls = new ArrayList<>();
        var writer = new FlushingKafkaSink.FlushingWriter<>(new RecordingWriter(calls) {
            @Override
            public void flush(boolean endOfInput) {
                calls.add("flush failed");
                throw new IllegalStateException("broker gone");
            }
        });
        writer.close();
        assertThat(calls).containsExactly("flush failed", "close");
    }

    @Test
    void isTheKafkaSinkForFlinkItsStateAndCommitterIncluded() {
        Sink<Prediction> sink = AvroKafkaSink.builder(Prediction.class, Prediction::getStreamId)
                .setBootstrapServers("127.0.0.1:9092").setTopic("t").optDelivery(DeliveryMode.EXACTLY_ONCE, "p").build();
        assertThat(sink).isInstanceOf(SupportsWriterState.class).isInstanceOf(SupportsCommitter.class)
                .isInstanceOf(SupportsPostCommitTopology.class);
        KafkaSink<?> inner = AvroKafkaSink.kafkaSinkOf(sink);
        assertThat(inner).isNotNull();
        assertThat(((SupportsWriterState<?, ?>) sink).getWriterStateSerializer().getVersion())
                .isEqualTo(inner.getWriterStateSerializer().getVersion());
    }

    /** Records the calls it gets. */
    private static class RecordingWriter implements PrecommittingStatefulSinkWriter<String, KafkaWriterState, KafkaCommittable> {
        final List<String> calls;

        RecordingWriter(List<String> calls) {
            this.calls = calls;
        }

        @Override
        public void write(String element, Context context) {
            calls.add("write " + element);
        }

        @Override
        public void flush(boolean endOfInput) {
            calls.add("flush " + endOfInput);
        }

        @Override
        public Collection<KafkaCommittable> prepareCommit() {
            return List.of();
        }

        @Override
        public List<KafkaWriterState> snapshotState(long checkpointId) {
            return List.of();
        }

        @Override
        public void close() {
            calls.add("close");
        }
    }
}
