package io.avstream.tools.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.function.Function;

import io.avstream.ingest.capture.MediaCapture;
import io.avstream.ingest.capture.MediaInput;
import io.avstream.ingest.capture.MediaKafkaProducer;
import io.avstream.schemas.Prediction;
import io.avstream.schemas.Topics;

/**
 * A part of the demo that plays a bundled recording in a loop, in real time, on several streams through the capture
 * path ({@code produce --input}), and consumes a prediction topic: the streams, the producer's thread, the consumer
 * and the clean-up. Subclasses say what to do with each prediction and what to print at the end.
 */
abstract class LoopedRecordingDemo implements AutoCloseable {

    protected final PrintStream out;
    protected final boolean quiet;
    protected final List<String> streams = new ArrayList<>();
    protected final MediaKafkaProducer producer;
    private final Path dir;
    private final Thread thread;
    private final PredictionConsumer consumer;
    private boolean stopped;

    /**
     * @param copy   copies the recording into the given folder and returns its file (FFmpeg reads files)
     * @param prefix the streams' id prefix, a number after it
     */
    LoopedRecordingDemo(String bootstrapServers, String predictionsTopic, int count, String prefix,
            Function<Path, Path> copy, PrintStream out, boolean quiet) throws IOException {
        this(bootstrapServers, predictionsTopic, count, prefix, copy, out, quiet, Topics.AUDIO, null);
    }

    /**
     * @param audioTopic where the streams' audio goes
     * @param videoTopic where their video goes (2 fps JPEG frames, the capture's default), or null for audio only
     */
    LoopedRecordingDemo(String bootstrapServers, String predictionsTopic, int count, String prefix,
            Function<Path, Path> copy, PrintStream out, boolean quiet, String audioTopic, String videoTopic)
            throws IOException {
        this.out = out;
        this.quiet = quiet;
        this.dir = Files.createTempDirectory("avstream-demo");
        Path recording = copy.apply(dir);
        List<MediaCapture> captures = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String id = prefix + i;
            streams.add(id);
            captures.add(MediaCapture.builder().setInput(MediaInput.parse(recording.toString())).optStreamId(id)
                    .optVideo(videoTopic != null).optLoop(true).build());
        }
        this.producer = new MediaKafkaProducer(bootstrapServers, audioTopic, videoTopic != null ? videoTopic : Topics.VIDEO,
                new Properties());
        this.consumer = new PredictionConsumer(bootstrapServers, predictionsTopic, new Properties(), this::received);
        this.thread = new Thread(() -> {
            try {
                producer.run(captures);
            } catch (MediaCapture.CaptureException e) {
                out.println(prefix + "capture failed: " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "demo-" + prefix);
    }

    /** Starts consuming and playing. */
    void start() {
        consumer.start();
        thread.start();
    }

    private synchronized void received(Prediction p, long arrivalUs) {
        if (!stopped) {
            onPrediction(p, arrivalUs);
        }
    }

    /** A prediction arrived (called one at a time, until {@link #stop}). */
    protected abstract void onPrediction(Prediction p, long arrivalUs);

    /** Stops the audio and the handling of its predictions. */
    synchronized void stop() {
        producer.stop();
        stopped = true;
    }

    @Override
    public void close() throws IOException {
        producer.stop();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close();
        try {
            consumer.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.deleteIfExists(f);
            }
        }
        Files.deleteIfExists(dir);
    }
}
