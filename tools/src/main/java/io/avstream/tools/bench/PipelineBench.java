package io.avstream.tools.bench;

import io.avstream.deploy.action.ActionOptions;
import io.avstream.deploy.action.ActionPipeline;
import io.avstream.deploy.audioevents.AudioEventsOptions;
import io.avstream.deploy.audioevents.AudioEventsPipeline;
import io.avstream.deploy.audiovisual.AudioVisualOptions;
import io.avstream.deploy.audiovisual.AudioVisualPipeline;
import io.avstream.ingest.produce.AudioKafkaProducer;
import io.avstream.ingest.produce.PacedProducer;
import io.avstream.schemas.AudioChunk;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import io.avstream.deploy.AvstreamJob;
import io.avstream.deploy.JobConfig;
import io.avstream.deploy.JobOptions;
import io.avstream.tools.cli.LocalJob;
import io.avstream.tools.cli.LocalStack;
import io.avstream.tools.dataset.MocapDatasetExporter;
import io.avstream.tools.local.BrokerProcess;
import io.avstream.tools.local.EmbeddedKafka;
import io.avstream.tools.local.LocalBroker;
import io.avstream.ingest.InputWatermarks;
import io.avstream.ingest.kafka.DecodingDeserializer;
import io.avstream.ingest.produce.SyntheticFrames;
import io.avstream.ingest.synthetic.SyntheticActor;
import io.avstream.ingest.validate.DeadLetterRouter;
import io.avstream.models.Engine;
import io.avstream.models.RuntimeOptions;
import io.avstream.operators.inference.ModelRef;
import io.avstream.operators.action.StmtPreprocessing;
import io.avstream.operators.action.MocapWindower;
import io.avstream.operators.window.WindowSpec;
import io.avstream.schemas.AvroCodec;
import io.avstream.schemas.VideoFrame;
import io.avstream.schemas.MocapFrame;
import io.avstream.schemas.Prediction;
import io.avstream.schemas.Stamped;
import io.avstream.sinks.LatencyMetrics;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Runs the job end to end on the in-process broker and a MiniCluster over frames written to Kafka
 * beforehand (held-out synthetic actors, many streams), with a bounded source, and measures its
 * throughput from the predictions it wrote: either the real job ({@link AvstreamJob#build}, shared
 * batched model) or the per-record baseline (same source, decoding and windowing, then
 * {@link PerRecordInference} in every parallel instance).
 */
public final class PipelineBench implements AutoCloseable {

    /** Which inference the job runs. */
    public enum Kind {
        /** {@link AvstreamJob#build}: async I/O into the JVM's shared model and dynamic batcher. */
        PIPELINE,
        /** The same graph with a per-record map function holding its own engine session. */
        PER_RECORD
    }

    /**
     * The outcome of one run.
     *
     * @param predictions        predictions read back
     * @param expectedWindows    full windows in the input
     * @param inferenceSeconds   from the first inference start to the last inference end
     * @param jobSeconds         the job's net runtime (start-up, reading and draining included)
     * @param batchSizes         count of predictions per batch size they ran in
     * @param meanBatchSize      mean over batches (each batch counted once)
     * @param meanPredictionBatch mean batch size seen by a prediction
     * @param cpuSeconds         CPU time of this process from the first inference start to the last end
     *                           (NaN where unknown)
     * @param jobCpuSeconds      CPU time of this process over the whole job, start-up included
     * @param compileSeconds     time the JIT compiler spent compiling from the first inference start to the last
     *                           end (part of {@code cpuSeconds}; NaN where the JVM does not tell)
     * @param jobCompileSeconds  the same over the whole job
     * @param brokerCpuSeconds   CPU time of the broker process from the first inference start to the last end
     *                           (NaN when the broker runs in this process, where it is part of {@code cpuSeconds})
     */
    public record Run(Kind kind, long predictions, long expectedWindows, double inferenceSeconds, double jobSeconds,
            Map<Integer, Long> batchSizes, double meanBatchSize, double meanPredictionBatch, double cpuSeconds,
            double jobCpuSeconds, double compileSeconds, double jobCompileSeconds, double brokerCpuSeconds) {
        /** Windows per second while inference ran (first start to last end). */
        public double windowsPerSec() {
            return predictions / inferenceSeconds;
        }

        /** CPU milliseconds of the whole process per window while inference ran. */
        public double cpuMsPerWindow() {
            return cpuSeconds * 1000 / predictions;
        }

        /** Cores this process kept busy on average while inference ran. */
        public double busyCores() {
            return cpuSeconds / inferenceSeconds;
        }

        /** Windows per second over the whole job runtime. */
        public double windowsPerSecJob() {
            return predictions / jobSeconds;
        }

        /** JIT compile milliseconds per window while inference ran (part of {@link #cpuMsPerWindow()}). */
        public double compileMsPerWindow() {
            return compileSeconds * 1000 / predictions;
        }

        /** The broker process's CPU milliseconds per window while inference ran; NaN for an in-process broker. */
        public double brokerCpuMsPerWindow() {
            return brokerCpuSeconds * 1000 / predictions;
        }

        /**
         * True when the JIT compiler was still busy for more than {@code share} of the job's runtime: the code
         * had not reached its steady state.
         */
        public boolean stillCompiling(double share) {
            return !Double.isNaN(jobCompileSeconds) && jobCompileSeconds > share * jobSeconds;
        }
    }

    /**
     * Frames written to a topic of the bench's broker for the jobs to read.
     *
     * @param topic           the topic
     * @param streams         streams in it
     * @param seconds         seconds of frames (25 fps) or audio per stream
     * @param expectedWindows full windows in it
     * @param pipeline        the pipeline that reads it ({@code action}, {@code audio-events} or {@code audio-visual})
     * @param videoTopic      the topic of the streams' video frames ({@code audio-visual}), else null
     */
    public record Input(String topic, int streams, int seconds, long expectedWindows, String pipeline, String videoTopic) {

        public Input(String topic, int streams, int seconds, long expectedWindows, String pipeline) {
            this(topic, streams, seconds, expectedWindows, pipeline, null);
        }
    }

    private final LocalBroker kafka;
    /** One Flink MiniCluster for all runs, started with the first: jobs are submitted to it as to a real cluster. */
    private MiniCluster cluster;
    private int clusterSlots;

    private PipelineBench(LocalBroker kafka) {
        this.kafka = kafka;
    }

    private MiniCluster cluster(int parallelism) throws Exception {
        if (cluster != null && clusterSlots != parallelism) {
            cluster.close();
            cluster = null;
        }
        if (cluster == null) {
            MiniCluster c = new MiniCluster(new MiniClusterConfiguration.Builder()
                    .setConfiguration(LocalStack.flinkConfiguration(parallelism))
                    .setNumTaskManagers(1).setNumSlotsPerTaskManager(parallelism).build());
            c.start();
            cluster = c;
            clusterSlots = parallelism;
        }
        return cluster;
    }

    /**
     * Starts the bench's broker: a process of its own (so that this process's CPU time is the job's, and the
     * broker's is read apart), or in this JVM.
     */
    public static PipelineBench start(boolean brokerInProcess) {
        return new PipelineBench(brokerInProcess ? EmbeddedKafka.start() : BrokerProcess.start(Duration.ofMinutes(2)));
    }

    /** The broker process's id, or -1 when the broker runs in this JVM. */
    public long brokerPid() {
        return kafka instanceof BrokerProcess p ? p.pid() : -1;
    }

    /**
     * Writes {@code seconds} of frames (25 fps) of {@code streams} held-out actors to a fresh topic with
     * {@code partitions} partitions.
     */
    public Input write(int streams, int seconds, int partitions, PrintStream log) throws IOException {
        String topic = "bench-mocap-" + UUID.randomUUID().toString().substring(0, 8);
        kafka.createTopic(topic, partitions);
        long t0 = System.nanoTime();
        long frames = write(topic, streams, seconds);
        if (log != null) {
            log.printf("  wrote %d frames (%d streams x %d s at 25 fps) in %.1f s%n", frames, streams, seconds,
                    (System.nanoTime() - t0) / 1e9);
        }
        // windows [k, k + 2) s of the whole seconds written; the last, half-filled ones are skipped as sparse
        return new Input(topic, streams, seconds, (long) streams * (seconds - 1), ActionPipeline.NAME);
    }

    /**
     * Writes {@code seconds} of audio of {@code streams} streams to a fresh topic with {@code partitions} partitions:
     * 100 ms chunks of 16 kHz mono s16le, each stream playing {@code clip} in a loop from its own offset, capture
     * times an hour in the past.
     */
    public Input writeAudio(int streams, int seconds, int partitions, short[] clip, PrintStream log) throws IOException {
        return writeMedia(streams, seconds, partitions, clip, null, null, log);
    }

    /**
     * Writes {@code seconds} of {@code streams} cameras to two fresh topics with {@code partitions} partitions: their
     * audio as {@link #writeAudio} does, each stream playing the recording's sound in a loop from its own offset, and
     * the recording's frames at their places in that loop (frame k at {@code frameOffsetsUs[k]} into the recording).
     */
    public Input writeAudioVisual(int streams, int seconds, int partitions, short[] clip, List<VideoFrame> frames,
            long[] frameOffsetsUs, PrintStream log) throws IOException {
        return writeMedia(streams, seconds, partitions, clip, frames, frameOffsetsUs, log);
    }

    private Input writeMedia(int streams, int seconds, int partitions, short[] clip, List<VideoFrame> frames,
            long[] frameOffsetsUs, PrintStream log) throws IOException {
        boolean video = frames != null;
        String name = video ? "bench-av-" : "bench-audio-";
        String topic = name + UUID.randomUUID().toString().substring(0, 8);
        String videoTopic = video ? topic + "-video" : null;
        kafka.createTopic(topic, partitions);
        if (video) {
            kafka.createTopic(videoTopic, partitions);
        }
        long t0 = System.nanoTime();
        int rate = 16_000;
        int chunk = rate / 10;
        long baseUs = (System.currentTimeMillis() / 1000 - 3600) * 1_000_000L;
        AvroCodec<AudioChunk> codec = AvroCodec.forClass(AudioChunk.class);
        AvroCodec<VideoFrame> videoCodec = AvroCodec.forClass(VideoFrame.class);
        long[] frameAt = video ? Arrays.stream(frameOffsetsUs).map(us -> us * rate / 1_000_000L).toArray() : null;
        long[] videoSeq = new long[streams];
        long n = 0;
        long nFrames = 0;
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProperties())) {
            for (int c = 0; c < seconds * 10; c++) {
                for (int s = 0; s < streams; s++) {
                    String id = PacedProducer.streamId(name, s);
                    byte[] key = id.getBytes(StandardCharsets.UTF_8);
                    long from = (long) s * clip.length / streams + (long) c * chunk;
                    long captureUs = baseUs + c * 100_000L;
                    AudioChunk a = AudioKafkaProducer.clipChunk(id, c, captureUs, clip, from, chunk, rate);
                    producer.send(new ProducerRecord<>(topic, key, codec.encode(a)));
                    n++;
                    if (video) {
                        for (long[] f : AudioKafkaProducer.framesIn(frameAt, clip.length, Math.floorMod(from, (long) clip.length), chunk)) {
                            VideoFrame frame = VideoFrame.newBuilder(frames.get((int) f[0])).setStreamId(id).setSeq(videoSeq[s]++)
                                    .setCaptureTimeUs(captureUs + f[1] * 1_000_000L / rate).build();
                            producer.send(new ProducerRecord<>(videoTopic, key, videoCodec.encode(frame)));
                            nFrames++;
                        }
                    }
                }
            }
            producer.flush();
        }
        if (log != null) {
            log.printf("  wrote %d audio chunks%s (%d streams x %d s, 100 ms of 16 kHz mono each) in %.1f s%n", n,
                    video ? " and " + nFrames + " video frames" : "", streams, seconds, (System.nanoTime() - t0) / 1e9);
        }
        // a window after the first 100 filterbank frames (1.015 s), then one a second
        return new Input(topic, streams, seconds, (long) streams * (seconds - 1),
                video ? AudioVisualPipeline.NAME : AudioEventsPipeline.NAME, videoTopic);
    }

    private Properties producerProperties() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.LINGER_MS_CONFIG, "20");
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(1 << 20));
        // as the producers write: PCM and float32 meshes do not compress with lz4 (see MocapKafkaProducer)
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "none");
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(8 << 20));
        return p;
    }

    private long write(String topic, int streams, int seconds) throws IOException {
        Properties p = producerProperties();
        AvroCodec<MocapFrame> codec = AvroCodec.forClass(MocapFrame.class);
        // whole seconds in the past, so that windows align with the frames and none is in the future
        long baseUs = (System.currentTimeMillis() / 1000 - 3600) * 1_000_000L;
        int fps = 25;
        List<SyntheticActor> actors = new ArrayList<>();
        List<byte[]> keys = new ArrayList<>();
        for (MocapDatasetExporter.ActorSpec spec : MocapDatasetExporter.heldOutActors(
                MocapDatasetExporter.Settings.DEFAULT_SEED, streams)) {
            actors.add(spec.newActor());
            keys.add(spec.streamId().getBytes(StandardCharsets.UTF_8));
        }
        long n = 0;
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
            for (int i = 0; i < seconds * fps; i++) {
                long t = baseUs + i * 1_000_000L / fps;
                for (int s = 0; s < actors.size(); s++) {
                    SyntheticActor actor = actors.get(s);
                    SyntheticActor.Frame f = actor.next();
                    MocapFrame frame = SyntheticFrames.of(actor, f, t);
                    producer.send(new ProducerRecord<>(topic, keys.get(s), codec.encode(frame)));
                    n++;
                }
            }
            producer.flush();
        }
        return n;
    }

    /**
     * Runs one bounded job over the whole input, at-least-once, and reads its predictions back.
     *
     * @param settings job options ({@code avstream.*}) on top of the bench's (bootstrap, topics, bounded source)
     */
    public Run run(Input input, Kind kind, int parallelism, Map<String, String> settings) throws Exception {
        String out = "bench-predictions-" + UUID.randomUUID().toString().substring(0, 8);
        kafka.createTopic(out, 2);
        Map<String, String> pairs = new HashMap<>(settings);
        pairs.put(JobOptions.BOOTSTRAP_SERVERS.key(), kafka.bootstrapServers());
        if (input.pipeline().equals(AudioEventsPipeline.NAME) || input.pipeline().equals(AudioVisualPipeline.NAME)) {
            if (kind != Kind.PIPELINE) {
                throw new IllegalArgumentException("the " + input.pipeline() + " pipeline has no per-record variant in the bench");
            }
            pairs.put(JobOptions.PIPELINES.key(), input.pipeline());
            if (input.videoTopic() != null) {
                pairs.put(AudioVisualOptions.AUDIO_TOPIC.key(), input.topic());
                pairs.put(AudioVisualOptions.VIDEO_TOPIC.key(), input.videoTopic());
                pairs.put(AudioVisualOptions.PREDICTIONS_TOPIC.key(), out);
            } else {
                pairs.put(AudioEventsOptions.TOPIC.key(), input.topic());
                pairs.put(AudioEventsOptions.PREDICTIONS_TOPIC.key(), out);
            }
        } else {
            pairs.put(ActionOptions.TOPIC.key(), input.topic());
            pairs.put(ActionOptions.PREDICTIONS_TOPIC.key(), out);
        }
        pairs.put(JobOptions.DEADLETTER_TOPIC.key(), out + "-dead");
        pairs.put(JobOptions.GROUP_ID.key(), out);
        pairs.put(JobOptions.TRANSACTIONAL_ID_PREFIX.key(), out);
        pairs.put(JobOptions.DELIVERY.key(), "at-least-once");
        pairs.put(JobOptions.BOUNDED.key(), "true");
        pairs.put(JobOptions.STARTING_OFFSETS.key(), "earliest");
        pairs.putIfAbsent(JobOptions.CHECKPOINT_INTERVAL.key(), "10s");
        // a throughput run: every window waits as long as it must, none is shed for lateness
        pairs.putIfAbsent(JobOptions.LATENCY_BUDGET.key(), "30min");
        JobConfig config = JobConfig.fromMap(pairs);
        kafka.createTopic(out + "-dead", 1);

        LocalJob job = LocalJob.builder().setConfig(config).optParallelism(parallelism)
                .optGraph(kind == Kind.PIPELINE ? AvstreamJob::build : PipelineBench::buildPerRecord).build();
        // CPU of the whole process (and the JIT's share, and the broker's) sampled over the run, read back between
        // the first inference start and the last end
        ProcessCpu cpu = ProcessCpu.sample(50, brokerPid());
        JobExecutionResult result;
        double jobCpuSeconds;
        double jobCompileSeconds;
        try {
            long cpu0 = ProcessCpu.nanos();
            long compile0 = ProcessCpu.compileNanos();
            result = job.execute("bench-" + kind.name().toLowerCase(), cluster(parallelism));
            jobCpuSeconds = (ProcessCpu.nanos() - cpu0) / 1e9;
            jobCompileSeconds = compile0 < 0 ? Double.NaN : (ProcessCpu.compileNanos() - compile0) / 1e9;
        } finally {
            cpu.close();
        }
        double jobSeconds = result.getNetRuntime() / 1000.0;
        List<Prediction> predictions = readAll(out, input.expectedWindows());
        return summarise(kind, predictions, input.expectedWindows(), jobSeconds, cpu, jobCpuSeconds, jobCompileSeconds);
    }

    /** Aggregates the predictions of one run; the CPU time while inference ran comes from {@code cpu} (may be null). */
    static Run summarise(Kind kind, List<Prediction> predictions, long expected, double jobSeconds, ProcessCpu cpu,
            double jobCpuSeconds, double jobCompileSeconds) {
        long firstStart = Long.MAX_VALUE;
        long lastEnd = Long.MIN_VALUE;
        Map<Integer, Long> sizes = new java.util.TreeMap<>();
        double batchSum = 0;
        double batches = 0;
        for (Prediction p : predictions) {
            firstStart = Math.min(firstStart, p.getLatency().getInferenceStartUs());
            lastEnd = Math.max(lastEnd, p.getLatency().getInferenceEndUs());
            int b = p.getLatency().getBatchSize();
            sizes.merge(b, 1L, Long::sum);
            batchSum += b;
            batches += 1.0 / b;
        }
        double seconds = predictions.isEmpty() ? Double.NaN : (lastEnd - firstStart) / 1e6;
        double meanBatch = batches == 0 ? 0 : predictions.size() / batches;
        double meanSeen = predictions.isEmpty() ? 0 : batchSum / predictions.size();
        boolean sampled = cpu != null && !predictions.isEmpty();
        double cpuSeconds = sampled ? cpu.cpuSecondsBetween(firstStart, lastEnd) : Double.NaN;
        double compileSeconds = sampled ? cpu.compileSecondsBetween(firstStart, lastEnd) : Double.NaN;
        double brokerSeconds = sampled ? cpu.brokerCpuSecondsBetween(firstStart, lastEnd) : Double.NaN;
        return new Run(kind, predictions.size(), expected, seconds, jobSeconds, sizes, meanBatch, meanSeen, cpuSeconds,
                jobCpuSeconds, compileSeconds, jobCompileSeconds, brokerSeconds);
    }

    /** The job's graph up to the windows, then per-record inference instead of the batched one. */
    static void buildPerRecord(StreamExecutionEnvironment env, Configuration conf, AvstreamJob.Io io) {
        ModelRef modelRef = ModelRef.of(conf.get(ActionOptions.MODEL));
        StmtPreprocessing stmt = StmtPreprocessing.of(modelRef.load());
        RuntimeOptions engine = RuntimeOptions.builder()
                .optEngine(conf.get(JobOptions.ENGINE))
                .optIntraOpThreads(conf.get(JobOptions.INTRA_OP_THREADS))
                .build();
        ActionPipeline.Io action = io.pipeline(ActionPipeline.NAME, ActionPipeline.Io.class);
        ActionPipeline.Windows windows = ActionPipeline.windows(env, conf, action, stmt);
        windows.deadLetters().sinkTo(io.deadLetterSink()).name("dead-letter-sink").uid("dead-letter-sink");
        DataStream<Prediction> predictions = windows.windows()
                .map(new PerRecordInference(modelRef, engine, conf.get(JobOptions.TOP_K)))
                .name("per-record-inference").uid("per-record-inference")
                .map(new LatencyMetrics()).name("latency-metrics").uid("latency-metrics");
        predictions.sinkTo(action.predictionSink()).name("prediction-sink").uid("prediction-sink");
    }

    private List<Prediction> readAll(String topic, long expected) throws IOException {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-reader-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "2000");
        AvroCodec<Prediction> codec = AvroCodec.forClass(Prediction.class);
        Map<String, Prediction> byId = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p)) {
            c.subscribe(List.of(topic));
            // the job has finished: everything it wrote is in the topic; stop after a few empty polls
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            int emptyPolls = 0;
            while (System.nanoTime() < deadline && emptyPolls < (byId.size() >= expected ? 2 : 6)) {
                var records = c.poll(Duration.ofMillis(500));
                emptyPolls = records.isEmpty() ? emptyPolls + 1 : 0;
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    Prediction pr = codec.decode(r.value());
                    if (pr.getEvent() == null) {
                        // a window's prediction (the audio pipeline also writes event records)
                        byId.putIfAbsent(pr.getPredictionId(), pr);
                    }
                }
            }
        }
        return new ArrayList<>(byId.values());
    }

    @Override
    public void close() {
        try {
            if (cluster != null) {
                cluster.close();
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot stop the bench's MiniCluster", e);
        } finally {
            kafka.close();
        }
    }
}
