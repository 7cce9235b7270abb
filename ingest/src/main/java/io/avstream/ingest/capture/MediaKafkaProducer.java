package io.avstream.ingest.capture;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import io.avstream.schemas.AudioChunk;
import io.avstream.schemas.AvroCodec;
import io.avstream.schemas.VideoFrame;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Sends the captures of one or more media inputs to Kafka at once, one thread per input: audio chunks to the
 * audio topic, video frames to the video topic, key = the stream id.
 *
 * <pre>{@code
 * try (MediaKafkaProducer p = new MediaKafkaProducer("localhost:9092", "avstream.audio", "avstream.video", props)) {
 *     p.run(List.of(captureA, captureB));   // until every input ends; the first failure is thrown
 * }
 * }</pre>
 */
public final class MediaKafkaProducer implements AutoCloseable {
    private final KafkaProducer<byte[], byte[]> producer;
    private final String audioTopic;
    private final String videoTopic;
    private final AvroCodec<AudioChunk> audioCodec = AvroCodec.forClass(AudioChunk.class);
    private final AvroCodec<VideoFrame> videoCodec = AvroCodec.forClass(VideoFrame.class);
    private final AtomicLong audioSent = new AtomicLong();
    private final AtomicLong videoSent = new AtomicLong();
    private final AtomicReference<Exception> sendFailure = new AtomicReference<>();
    private final List<MediaCapture> running = new ArrayList<>();
    private final Map<String, Long> firstAudioUs = new ConcurrentHashMap<>();

    public MediaKafkaProducer(String bootstrapServers, String audioTopic, String videoTopic, Properties properties) {
        Properties p = new Properties();
        p.putAll(properties);
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, "5");
        p.putIfAbsent(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        this.producer = new KafkaProducer<>(p);
        this.audioTopic = audioTopic;
        this.videoTopic = videoTopic;
    }

    /**
     * Runs every capture at once and waits for all of them.
     *
     * @throws MediaCapture.CaptureException the first input that could not be opened or read (the others are stopped)
     */
    public void run(List<MediaCapture> captures) throws MediaCapture.CaptureException, InterruptedException {
        List<Thread> threads = new ArrayList<>();
        AtomicReference<MediaCapture.CaptureException> failure = new AtomicReference<>();
        synchronized (running) {
            running.addAll(captures);
        }
        for (MediaCapture c : captures) {
            byte[] key = c.streamId().getBytes(StandardCharsets.UTF_8);
            Thread t = new Thread(() -> {
                try {
                    c.run(new MediaCapture.Sink() {
                        @Override
                        public void audio(AudioChunk chunk) {
                            firstAudioUs.putIfAbsent(c.streamId(), chunk.getCaptureTimeUs());
                            send(audioTopic, key, audioCodec.encode(chunk), audioSent);
                        }

                        @Override
                        public void video(VideoFrame frame) {
                            send(videoTopic, key, videoCodec.encode(frame), videoSent);
                        }
                    });
                } catch (MediaCapture.CaptureException e) {
                    if (failure.compareAndSet(null, e)) {
                        stop();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "capture-" + c.streamId());
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            t.join();
        }
        producer.flush();
        if (failure.get() != null) {
            throw failure.get();
        }
        if (sendFailure.get() != null) {
            throw new MediaCapture.CaptureException("cannot send to Kafka: " + sendFailure.get().getMessage());
        }
    }

    private void send(String topic, byte[] key, byte[] value, AtomicLong counter) {
        producer.send(new ProducerRecord<>(topic, key, value), (meta, e) -> {
            if (e == null) {
                counter.incrementAndGet();
            } else if (sendFailure.compareAndSet(null, e)) {
                stop();
            }
        });
    }

    /** Stops every running capture. */
    public void stop() {
        synchronized (running) {
            running.forEach(MediaCapture::stop);
        }
    }

    /** The capture time of a stream's first audio chunk (the origin of its media clock), if one was captured. */
    public OptionalLong firstAudioCaptureUs(String streamId) {
        Long us = firstAudioUs.get(streamId);
        return us == null ? OptionalLong.empty() : OptionalLong.of(us);
    }

    public long audioSent() {
        return audioSent.get();
    }

    public long videoSent() {
        return videoSent.get();
    }

    @Override
    public void close() {
        stop();
        producer.close();
    }
}
