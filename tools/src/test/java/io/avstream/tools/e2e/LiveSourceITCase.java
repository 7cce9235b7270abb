package io.avstream.tools.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import io.avstream.deploy.JobOptions;
import io.avstream.deploy.audioevents.AudioEventsOptions;
import io.avstream.deploy.audioevents.AudioEventsPipeline;
import io.avstream.ingest.capture.MediaCapture;
import io.avstream.ingest.capture.MediaInput;
import io.avstream.ingest.capture.MediaKafkaProducer;
import io.avstream.schemas.AudioChunk;
import io.avstream.schemas.Prediction;
import io.avstream.schemas.VideoFrame;
import io.avstream.tools.testutils.Ffmpeg;
import io.avstream.tools.testutils.InProcessKafka;
import io.avstream.tools.testutils.KafkaTestClients;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A live source: the ffmpeg command line serves a stream with audio and video over HTTP on 127.0.0.1 as it makes
 * it (in real time); the producer captures it into Kafka, and the audio-events job tags it.
 */
class LiveSourceITCase {

    private static final Path TINY = InProcessKafka.TINY_AUDIO_EVENTS;
    @RegisterExtension
    static final InProcessKafka KAFKA = new InProcessKafka();

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void capturesAStreamServedOverHttpAndTheJobTagsIt() throws Exception {
        assumeTrue(Ffmpeg.available(), "no ffmpeg on this machine (.ci/run installs it)");
        String run = UUID.randomUUID().toString().substring(0, 8);
        String audio = "audio-" + run;
        String video = "video-" + run;
        String out = "tags-" + run;
        KAFKA.get().createTopic(audio, 1);
        KAFKA.get().createTopic(video, 1);
        KAFKA.get().createTopic(out, 1);
        KAFKA.get().createTopic("dead-" + run, 1);

        int port = freePort();
        String url = "http://127.0.0.1:" + port + "/live.ts";
        // 5 s of a tone and a test picture, made and served in real time (-re), MPEG-TS over HTTP
        Process server = new ProcessBuilder("ffmpeg", "-v", "error", "-re", "-f", "lavfi", "-i",
                "sine=frequency=660:sample_rate=48000:duration=5", "-f", "lavfi", "-i", "testsrc=size=320x240:rate=25:duration=5",
                "-c:a", "mp2", "-c:v", "mpeg2video", "-f", "mpegts", "-listen", "1", url)
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            // the server takes one client: connect once it listens (bounded wait on the event, not a fixed sleep)
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            try (MediaKafkaProducer producer = new MediaKafkaProducer(KAFKA.get().bootstrapServers(), audio, video, new Properties())) {
                while (true) {
                    assertThat(server.isAlive()).as("ffmpeg serves the stream").isTrue();
                    MediaCapture capture = MediaCapture.builder().setInput(MediaInput.parse(url)).optStreamId("live-1").build();
                    try {
                        producer.run(List.of(capture));
                        break;
                    } catch (MediaCapture.CaptureException e) {
                        if (!e.getMessage().endsWith("Connection refused") || System.nanoTime() > deadline) {
                            throw e;
                        }
                        Thread.sleep(100);
                    }
                }
                assertThat(producer.audioSent()).as("chunks of the 5 s stream").isBetween(40L, 55L);
                assertThat(producer.videoSent()).isBetween(8L, 11L);
            }
        } finally {
            server.destroy();
            server.waitFor(30, TimeUnit.SECONDS);
        }
        List<AudioChunk> chunks = KafkaTestClients.readCommitted(KAFKA.get(), audio, AudioChunk.class, 40, Duration.ofSeconds(1));
        assertThat(chunks).allSatisfy(c -> assertThat(c.getSampleRate()).isEqualTo(48000));
        List<VideoFrame> frames = KafkaTestClients.readCommitted(KAFKA.get(), video, VideoFrame.class, 8, Duration.ofSeconds(1));
        assertThat(frames).allSatisfy(f -> assertThat(f.getStreamId()).isEqualTo("live-1"));

        Map<String, String> settings = new HashMap<>();
        settings.put(JobOptions.PIPELINES.key(), AudioEventsPipeline.NAME);
        settings.put(JobOptions.BOOTSTRAP_SERVERS.key(), KAFKA.get().bootstrapServers());
        settings.put(AudioEventsOptions.TOPIC.key(), audio);
        settings.put(AudioEventsOptions.PREDICTIONS_TOPIC.key(), out);
        settings.put(AudioEventsOptions.MODEL.key(), TINY.toString());
        settings.put(JobOptions.DEADLETTER_TOPIC.key(), "dead-" + run);
        settings.put(JobOptions.GROUP_ID.key(), "it-" + run);
        settings.put(JobOptions.TRANSACTIONAL_ID_PREFIX.key(), "it-" + run);
        settings.put(JobOptions.DELIVERY.key(), "at-least-once");
        settings.put(JobOptions.BOUNDED.key(), "true");
        settings.put(JobOptions.STARTING_OFFSETS.key(), "earliest");
        KafkaTestClients.runJob(settings, 1, "live-it");
        List<Prediction> tags = KafkaTestClients.readCommitted(KAFKA.get(), out, Prediction.class, 4, Duration.ofSeconds(1));
        List<Prediction> windows = tags.stream().filter(p -> p.getEvent() == null).toList();
        assertThat(windows).as("a window a second of the ~5 s stream").hasSizeBetween(4, 6)
                .allSatisfy(p -> assertThat(p.getStreamId()).isEqualTo("live-1"));
    }
}
