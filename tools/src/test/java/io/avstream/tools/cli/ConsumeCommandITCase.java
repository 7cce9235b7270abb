package io.avstream.tools.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.avstream.tools.local.EmbeddedKafka;
import io.avstream.tools.testutils.KafkaTestClients;
import io.avstream.schemas.AvroCodec;
import io.avstream.schemas.LatencyRecord;
import io.avstream.schemas.Prediction;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code consume} on a prediction topic with history: from its end unless {@code --from-beginning}. */
class ConsumeCommandITCase {

    private static final AvroCodec<Prediction> CODEC = AvroCodec.forClass(Prediction.class);
    private static EmbeddedKafka kafka;

    @BeforeAll
    static void startBroker() {
        kafka = EmbeddedKafka.start();
    }

    @AfterAll
    static void stopBroker() {
        kafka.close();
    }

    private static Prediction prediction(String stream) {
        long now = System.currentTimeMillis() * 1000L;
        return Prediction.newBuilder().setPredictionId(stream + "/action/" + now).setStreamId(stream).setTask("action")
                .setModelName("m").setModelVersion("1").setWindowStartUs(now - 2_000_000L).setWindowEndUs(now)
                .setLatency(LatencyRecord.newBuilder().setCaptureTimeUs(now).setKafkaAppendTimeUs(now).setWindowCloseUs(now)
                        .setInferenceStartUs(now).setInferenceEndUs(now).setBatchSize(1).setQueueTimeUs(0).setEmitTimeUs(now).build())
                .build();
    }

    private static void send(String topic, String... streams) throws Exception {
        try (KafkaProducer<byte[], byte[]> p = KafkaTestClients.producer(kafka, Map.of())) {
            for (String s : streams) {
                p.send(new ProducerRecord<>(topic, s.getBytes(), CODEC.encode(prediction(s)))).get(30, TimeUnit.SECONDS);
            }
        }
    }

    /** Parses the arguments as {@code consume} does, starts its consumer, sends "new-1", and returns what arrived. */
    private static List<String> consume(String topic, String... extraArgs) throws Exception {
        Cli.ConsumeCommand cmd = new Cli.ConsumeCommand();
        String[] args = new String[extraArgs.length + 4];
        args[0] = "--bootstrap-servers";
        args[1] = kafka.bootstrapServers();
        args[2] = "--topic";
        args[3] = topic;
        System.arraycopy(extraArgs, 0, args, 4, extraArgs.length);
        new CommandLine(cmd).parseArgs(args);
        BlockingQueue<String> seen = new LinkedBlockingQueue<>();
        try (PredictionConsumer c = cmd.consumer((p, at) -> seen.add(p.getStreamId()))) {
            send(topic, "new-1");
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!seen.contains("new-1") && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
        }
        return List.copyOf(seen);
    }

    @Test
    void startsAtTheEndOfTheTopicByDefault() throws Exception {
        kafka.createTopic("predictions-default", 2);
        send("predictions-default", "old-1", "old-2", "old-3");

        assertThat(consume("predictions-default")).containsExactly("new-1");
    }

    @Test
    void fromBeginningReplaysTheHistory() throws Exception {
        kafka.createTopic("predictions-replay", 1);
        send("predictions-replay", "old-1", "old-2", "old-3");

        assertThat(consume("predictions-replay", "--from-beginning")).containsExactly("old-1", "old-2", "old-3", "new-1");
    }
}
