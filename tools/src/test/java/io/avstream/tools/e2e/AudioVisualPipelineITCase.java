package io.avstream.tools.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import io.avstream.deploy.JobConfig;
import io.avstream.deploy.JobOptions;
import io.avstream.deploy.audioevents.AudioEventsOptions;
import io.avstream.deploy.audiovisual.AudioVisualOptions;
import io.avstream.deploy.audiovisual.AudioVisualPipeline;
import io.avstream.models.ModelPackage;
import io.avstream.operators.inference.ModelRef;
import io.avstream.schemas.AudioChunk;
import io.avstream.schemas.AvroCodec;
import io.avstream.schemas.DeadLetter;
import io.avstream.schemas.ImageEncoding;
import io.avstream.schemas.Label;
import io.avstream.schemas.Prediction;
import io.avstream.schemas.VideoFrame;
import io.avstream.tools.cli.Cli;
import io.avstream.tools.cli.KnownEvents;
import io.avstream.tools.cli.LocalJob;
import io.avstream.tools.cli.LocalStack;
import io.avstream.tools.testutils.Ffmpeg;
import io.avstream.tools.testutils.InProcessKafka;
import io.avstream.tools.testutils.KafkaTestClients;
import io.avstream.tools.testutils.OfflineAudioEvents;
import io.avstream.tools.testutils.OfflineAudioVisual;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The audio-visual pipeline on a real broker and a Flink MiniCluster, with the bundled models: the bundled
 * audio-visual recording (events at known times, some faint while their source is in view) goes through {@code produce
 * --input} twice, as a camera ({@code cam-av}, audio and 2 fps JPEG video) and as a microphone ({@code mic-only},
 * {@code --no-video}); the test forwards the records to the job's topics, leaving out the camera's video for 14 s in
 * the middle. The camera's windows use the audio-visual model while its video flows, the audio-only model while it is
 * missing, and the audio-visual one again once it is back; the microphone's all use the audio-only model. Every window
 * prediction and event equals the one computed offline from all the samples and frames sent (max |score difference|
 * 1e-5), though a TaskManager is killed when a third of them are committed (exactly once, {@code read_committed};
 * the job reads the topics to their end, where the streams' last windows are cut and their open events ended). Bad video frames of
 * eight kinds are dead-lettered with their reasons, and the camera's events are scored against the known ones.
 */
class AudioVisualPipelineITCase {

    private static final String AV_MODEL = AudioVisualOptions.MODEL.defaultValue();
    private static final String AUDIO_MODEL = AudioVisualOptions.AUDIO_MODEL.defaultValue();
    /** The camera's video is left out between these seconds of the recording. */
    private static final double GAP_FROM_S = 20;
    private static final double GAP_TO_S = 34;

    @RegisterExtension
    static final InProcessKafka KAFKA = new InProcessKafka();

    @Test
    void windowsUseTheVideoWhileItFlowsAndEqualOfflineThroughAFailure(@TempDir Path dir) throws Exception {
        assumeTrue(Ffmpeg.available(), "no ffmpeg on this machine (.ci/run installs it)");
        KnownEvents known = KnownEvents.audioVisual();
        Path media = KnownEvents.copyAudioVisual(dir);
        String run = UUID.randomUUID().toString().substring(0, 8);
        String stageAudio = "stage-audio-" + run;
        String stageVideo = "stage-video-" + run;
        String audioTopic = "audio-" + run;
        String videoTopic = "video-" + run;
        String out = "av-" + run;
        String dlq = "dead-" + run;
        for (String t : List.of(stageAudio, stageVideo, dlq)) {
            KAFKA.get().createTopic(t, 1);
        }
        for (String t : List.of(audioTopic, videoTopic, out)) {
            KAFKA.get().createTopic(t, 2);
        }
        Map<String, List<String>> streams = new LinkedHashMap<>();
        streams.put("cam-av", List.of());
        streams.put("mic-only", List.of("--no-video"));
        for (Map.Entry<String, List<String>> s : streams.entrySet()) {
            List<String> args = new ArrayList<>(List.of("produce", "--bootstrap-servers", KAFKA.get().bootstrapServers(),
                    "--input", media.toString(), "--stream-id", s.getKey(), "--audio-topic", stageAudio, "--video-topic",
                    stageVideo, "--as-fast-as-possible"));
            args.addAll(s.getValue());
            assertThat(new CommandLine(new Cli()).execute(args.toArray(String[]::new))).as("produce " + s.getKey()).isZero();
        }
        Map<String, List<AudioChunk>> audio = new TreeMap<>();
        for (AudioChunk c : KafkaTestClients.readCommitted(KAFKA.get(), stageAudio, AudioChunk.class,
                2 * (int) (known.seconds() * 10) - 2, Duration.ofSeconds(1))) {
            audio.computeIfAbsent(c.getStreamId(), k -> new ArrayList<>()).add(c);
        }
        audio.values().forEach(l -> l.sort(Comparator.comparingLong(AudioChunk::getSeq)));
        assertThat(audio.keySet()).containsExactlyInAnyOrderElementsOf(streams.keySet());
        for (Map.Entry<String, List<AudioChunk>> e : audio.entrySet()) {
            long t0 = e.getValue().get(0).getCaptureTimeUs();
            long samples = 0;
            long worstUs = 0;
            for (AudioChunk c : e.getValue()) {
                long placed = t0 + samples * 1_000_000L / c.getSampleRate();
                worstUs = Math.max(worstUs, Math.abs(c.getCaptureTimeUs() - placed));
                samples += c.getSamples().remaining() / 2 / c.getChannels();
            }
            System.out.printf("%s: %d chunks, %.2f s, capture times at most %d us from where the samples put them%n",
                    e.getKey(), e.getValue().size(), samples / 16000.0, worstUs);
        }
        List<VideoFrame> video = new ArrayList<>(KafkaTestClients.readCommitted(KAFKA.get(), stageVideo, VideoFrame.class,
                (int) (known.seconds() * 2) - 2, Duration.ofSeconds(1)));
        video.sort(Comparator.comparingLong(VideoFrame::getSeq));
        assertThat(video).allSatisfy(f -> assertThat(f.getStreamId()).isEqualTo("cam-av"));
        long camT0 = audio.get("cam-av").get(0).getCaptureTimeUs();
        List<VideoFrame> sent = video.stream().filter(f -> {
            double at = (f.getCaptureTimeUs() - camT0) / 1e6;
            return at < GAP_FROM_S || at >= GAP_TO_S;
        }).toList();
        System.out.printf("cam-av: %d frames captured, %d sent (none in %.0f-%.0f s)%n", video.size(), sent.size(),
                GAP_FROM_S, GAP_TO_S);

        Map<String, String> settings = new HashMap<>();
        settings.put(JobOptions.PIPELINES.key(), AudioVisualPipeline.NAME);
        settings.put(JobOptions.BOOTSTRAP_SERVERS.key(), KAFKA.get().bootstrapServers());
        settings.put(AudioVisualOptions.AUDIO_TOPIC.key(), audioTopic);
        settings.put(AudioVisualOptions.VIDEO_TOPIC.key(), videoTopic);
        settings.put(AudioVisualOptions.PREDICTIONS_TOPIC.key(), out);
        settings.put(JobOptions.DEADLETTER_TOPIC.key(), dlq);
        settings.put(JobOptions.GROUP_ID.key(), "it-" + run);
        settings.put(JobOptions.TRANSACTIONAL_ID_PREFIX.key(), "it-" + run);
        settings.put(JobOptions.DELIVERY.key(), "exactly-once");
        settings.put(JobOptions.CHECKPOINT_INTERVAL.key(), "500ms");
        settings.put(JobOptions.STARTING_OFFSETS.key(), "earliest");
        // the job reads what is in the topics and ends: the streams' last windows and events come at the end of input
        settings.put(JobOptions.BOUNDED.key(), "true");
        // nothing shed on a busy machine
        settings.put(JobOptions.LATENCY_BUDGET.key(), "120s");
        // no source marked idle while it waits behind a busy operator: with the video source idle, the watermark would
        // follow the audio alone and windows whose frames are still on their way would be decided without them
        settings.put(JobOptions.SOURCE_IDLENESS.key(), "10min");
        Configuration conf = JobConfig.fromMap(settings).flink();

        ModelPackage av = ModelRef.of(AV_MODEL).load();
        ModelPackage audioOnly = ModelRef.of(AUDIO_MODEL).load();
        Map<String, List<Prediction>> expected = new TreeMap<>();
        for (Map.Entry<String, List<AudioChunk>> e : audio.entrySet()) {
            AudioChunk first = e.getValue().get(0);
            expected.put(e.getKey(), OfflineAudioVisual.predict(conf, av, audioOnly, e.getKey(), first.getCaptureTimeUs(),
                    first.getSampleRate(), first.getChannels(), first.getEncoding(),
                    OfflineAudioEvents.concatenate(e.getValue()), e.getKey().equals("cam-av") ? sent : List.of()));
        }
        int count = expected.values().stream().mapToInt(List::size).sum();
        Map<String, String> bad = badFrames(video.get(0), camT0);

        MiniCluster cluster = new MiniCluster(new MiniClusterConfiguration.Builder()
                .setConfiguration(LocalStack.flinkConfiguration(1)).setNumTaskManagers(2).setNumSlotsPerTaskManager(1).build());
        cluster.start();
        StreamGraph graph = LocalJob.builder().setConfig(JobConfig.fromMap(settings)).optParallelism(2).build().env()
                .getStreamGraph();
        graph.setJobName("audio-visual-it");
        JobGraph jobGraph = graph.getJobGraph();
        send(audioTopic, videoTopic, audio, sent, 0, Double.MAX_VALUE);
        sendBad(videoTopic, bad);
        cluster.submitJob(jobGraph).get();
        try {
            // a third of the predictions committed, a TaskManager is killed and a new one started: the job resumes from
            // its last checkpoint
            List<Prediction> early = KafkaTestClients.readCommitted(KAFKA.get(), out, Prediction.class, count / 3,
                    Duration.ZERO);
            cluster.terminateTaskManager(0).get();
            cluster.startTaskManager();
            System.out.printf("TaskManager killed with %d of %d predictions committed%n", early.size(), count);
            assertThat(cluster.requestJobResult(jobGraph.getJobID()).get(5, TimeUnit.MINUTES).isSuccess())
                    .as("the job ends at the end of its input").isTrue();

            List<DeadLetter> dead = KafkaTestClients.readCommitted(KAFKA.get(), dlq, DeadLetter.class, bad.size(),
                    Duration.ofSeconds(1));
            assertThat(dead).extracting(DeadLetter::getReason).containsExactlyInAnyOrderElementsOf(bad.values());
            dead.forEach(d -> System.out.printf("  dead letter %-14s %s%n", d.getReason(), d.getDetail()));

            List<Prediction> got = KafkaTestClients.readCommitted(KAFKA.get(), out, Prediction.class, count,
                    Duration.ofSeconds(2));
            Map<String, Prediction> byId = new HashMap<>();
            for (Prediction p : got) {
                assertThat(byId.put(p.getPredictionId(), p)).as("duplicate " + p.getPredictionId()).isNull();
            }
            List<String> missing = expected.values().stream().flatMap(List::stream).map(Prediction::getPredictionId)
                    .filter(id -> !byId.containsKey(id)).toList();
            java.util.Set<String> offlineIds = new java.util.HashSet<>();
            expected.values().forEach(l -> l.forEach(x -> offlineIds.add(x.getPredictionId())));
            List<String> extra = byId.keySet().stream().filter(id -> !offlineIds.contains(id)).sorted().toList();
            List<String> missingAt = missing.stream().map(id -> {
                String[] parts = id.split("/");
                long t0 = audio.get(parts[0]).get(0).getCaptureTimeUs();
                return String.format("%s %.2f s", parts[0], (Long.parseLong(parts[2]) - t0) / 1e6);
            }).toList();
            assertThat(missing).as("offline predictions the job did not make (window ends %s; it made %s instead)",
                    missingAt, extra).isEmpty();
            assertThat(byId).hasSize(count);
            double worst = 0;
            Map<String, KnownEvents.Score> scores = new TreeMap<>();
            for (Map.Entry<String, List<Prediction>> e : expected.entrySet()) {
                String stream = e.getKey();
                long t0 = audio.get(stream).get(0).getCaptureTimeUs();
                StringBuilder models = new StringBuilder();
                List<KnownEvents.Event> detected = new ArrayList<>();
                for (Prediction x : e.getValue()) {
                    Prediction a = byId.get(x.getPredictionId());
                    assertThat(a).as("prediction " + x.getPredictionId()).isNotNull();
                    assertThat(a.getModelName()).isEqualTo(x.getModelName());
                    assertThat(a.getLabels()).extracting(Label::getIndex)
                            .containsExactlyElementsOf(x.getLabels().stream().map(Label::getIndex).toList());
                    for (int i = 0; i < x.getLabels().size(); i++) {
                        worst = Math.max(worst, Math.abs(a.getLabels().get(i).getScore() - x.getLabels().get(i).getScore()));
                    }
                    assertThat(a.getInputs()).isEqualTo(x.getInputs());
                    if (a.getEvent() == null) {
                        boolean fused = a.getModelName().equals(av.manifest().name());
                        // the prediction says which inputs its model saw
                        assertThat(a.getInputs()).as(a.getPredictionId()).isEqualTo(fused ? List.of("audio", "video") : List.of("audio"));
                        models.append(fused ? 'V' : 'a');
                    } else {
                        detected.add(new KnownEvents.Event(a.getEvent().getLabel().getIndex(), a.getEvent().getLabel().getName(),
                                (a.getEvent().getOnsetUs() - t0) / 1e6, (a.getEvent().getOffsetUs() - t0) / 1e6));
                    }
                }
                KnownEvents.Score score = known.score(detected);
                System.out.printf("%s: windows by model (V audio-visual, a audio-only) %s; events %s%n", stream, models,
                        score);
                // the camera: audio-only while its windows are shorter than the video span, audio-visual, audio-only
                // while its video is missing, audio-visual again; the microphone: audio-only throughout
                assertThat(models.toString()).as(stream + " windows by model")
                        .matches(stream.equals("cam-av") ? "a{0,4}V{5,}a{10,}V{5,}" : "a+");
                scores.put(stream, score);
            }
            System.out.printf("audio-visual streaming vs offline: %d predictions, max |score difference| %.2e%n", count, worst);
            assertThat(worst).isLessThanOrEqualTo(1e-5);
        } finally {
            cluster.close();
        }
    }

    /** Bad frames of eight kinds (of a stream without audio, but one far out of order for the camera), and the reason each gets. */
    private static Map<String, String> badFrames(VideoFrame good, long camT0) {
        Map<String, String> bad = new LinkedHashMap<>();
        byte[] jpeg = bytes(good.getData());
        VideoFrame.Builder base = VideoFrame.newBuilder(good).setStreamId("cam-bad")
                .setCaptureTimeUs(System.currentTimeMillis() * 1000L);
        AvroCodec<VideoFrame> codec = AvroCodec.forClass(VideoFrame.class);
        BAD.clear();
        put(bad, "not a JPEG", codec.encode(base.setData(ByteBuffer.wrap("GIF89a".getBytes(StandardCharsets.US_ASCII))).build()),
                "CORRUPT_MEDIA");
        put(bad, "truncated", codec.encode(base.setData(ByteBuffer.wrap(Arrays.copyOf(jpeg, jpeg.length / 2))).build()),
                "CORRUPT_MEDIA");
        byte[] broken = jpeg.clone();
        for (int i = broken.length / 3; i < broken.length - 10; i += 7) {
            broken[i] = (byte) 0xFF;
            broken[i + 1] = (byte) 0xD3;
        }
        put(bad, "broken entropy-coded data", codec.encode(base.setData(ByteBuffer.wrap(broken)).build()), "CORRUPT_MEDIA");
        put(bad, "declared size not the JPEG's", codec.encode(base.setData(ByteBuffer.wrap(jpeg)).setWidth(640).build()),
                "WRONG_SIZE");
        put(bad, "absurd dimensions", codec.encode(base.setWidth(100_000).setHeight(240).build()), "WRONG_SIZE");
        put(bad, "RGB24 of the wrong length", codec.encode(base.setWidth(320).setEncoding(ImageEncoding.RGB24)
                .setData(ByteBuffer.wrap(new byte[100])).build()), "WRONG_SIZE");
        put(bad, "from the future", codec.encode(VideoFrame.newBuilder(good).setStreamId("cam-bad")
                .setCaptureTimeUs(System.currentTimeMillis() * 1000L + 3_600_000_000L).build()), "BAD_TIMESTAMP");
        put(bad, "far out of order", codec.encode(VideoFrame.newBuilder(good).setSeq(999_999)
                .setCaptureTimeUs(camT0 + 5_000_000L).build()), "BAD_TIMESTAMP");
        put(bad, "not Avro", "not avro at all".getBytes(StandardCharsets.UTF_8), "UNDECODABLE");
        return bad;
    }

    /** The bad records to send, by kind: stream id and payload. */
    private static final Map<String, byte[]> BAD = new LinkedHashMap<>();

    private static void put(Map<String, String> reasons, String kind, byte[] payload, String reason) {
        reasons.put(kind, reason);
        BAD.put(kind, payload);
    }

    private static void sendBad(String videoTopic, Map<String, String> reasons) {
        try (KafkaProducer<byte[], byte[]> producer = KafkaTestClients.producer(KAFKA.get(), Map.of())) {
            for (String kind : reasons.keySet()) {
                String key = kind.equals("far out of order") ? "cam-av" : "cam-bad";
                producer.send(new ProducerRecord<>(videoTopic, key.getBytes(StandardCharsets.UTF_8), BAD.get(kind)));
            }
            producer.flush();
        }
    }

    /** Sends the chunks and frames whose capture time lies in {@code [fromS, toS)} seconds of their stream. */
    private static void send(String audioTopic, String videoTopic, Map<String, List<AudioChunk>> audio, List<VideoFrame> video,
            double fromS, double toS) {
        AvroCodec<AudioChunk> chunks = AvroCodec.forClass(AudioChunk.class);
        AvroCodec<VideoFrame> frames = AvroCodec.forClass(VideoFrame.class);
        try (KafkaProducer<byte[], byte[]> producer = KafkaTestClients.producer(KAFKA.get(), Map.of())) {
            for (Map.Entry<String, List<AudioChunk>> e : audio.entrySet()) {
                long t0 = e.getValue().get(0).getCaptureTimeUs();
                byte[] key = e.getKey().getBytes(StandardCharsets.UTF_8);
                for (AudioChunk c : e.getValue()) {
                    double at = (c.getCaptureTimeUs() - t0) / 1e6;
                    if (at >= fromS && at < toS) {
                        producer.send(new ProducerRecord<>(audioTopic, key, chunks.encode(c)));
                    }
                }
                for (VideoFrame f : video) {
                    double at = (f.getCaptureTimeUs() - t0) / 1e6;
                    if (f.getStreamId().equals(e.getKey()) && at >= fromS && at < toS) {
                        producer.send(new ProducerRecord<>(videoTopic, key, frames.encode(f)));
                    }
                }
            }
            producer.flush();
        }
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }
}
