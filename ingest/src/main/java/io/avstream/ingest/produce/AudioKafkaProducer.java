package io.avstream.ingest.produce;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.SplittableRandom;

import io.avstream.schemas.AudioChunk;
import io.avstream.schemas.AvroCodec;
import io.avstream.schemas.SampleEncoding;
import io.avstream.schemas.VideoFrame;

/**
 * Sends many live audio streams to Kafka in real time, as microphones would: each stream plays a mono s16le
 * clip in a loop from its own offset, in chunks of a fixed length, every chunk sent once its last sample has
 * been "captured" (its capture time is its first sample's, on this machine's clock). All streams are paced by
 * one thread on a grid of a tenth of a chunk; the streams' starts are spread over a second on that grid (a
 * low-discrepancy sequence), so that their windows, which follow each stream's own start, do not all close at
 * the same instant, as they would not from real microphones. Key = stream id; value = {@link AudioChunk}.
 *
 * <p>With {@link Builder#optVideo} each stream is a camera: the clip's video frames, each at its place in the clip,
 * go to the video topic with the stream's chunks (a frame with the chunk that holds its time, its capture time
 * at that place), as a camera that sends its audio and its pictures on two topics would. Key = stream id; value =
 * {@link VideoFrame}.
 *
 * <pre>{@code
 * try (AudioKafkaProducer p = AudioKafkaProducer.builder().setBootstrapServers("127.0.0.1:9092")
 *         .setTopic(Topics.AUDIO).setStreams(16).setClip(pcm16k, 16000).build()) {
 *     p.start();
 *     Thread.sleep(60_000);
 * }
 * }</pre>
 */
public final class AudioKafkaProducer extends PacedKafkaProducer {
    /** Pacing ticks per chunk: stream starts fall on this grid. */
    static final int TICKS_PER_CHUNK = 10;
    private static final double GOLDEN = (Math.sqrt(5) - 1) / 2;

    private final String topic;
    private final short[] clip;
    private final int sampleRate;
    private final int chunkSamples;
    private final long chunkUs;
    private final String[] ids;
    private final byte[][] keys;
    /** Per stream: its start on the tick grid, in ticks after the producer's start. */
    private final int[] phaseTicks;
    /** Per stream: where in the clip its first chunk starts. */
    private final int[] clipOffsets;
    private final AvroCodec<AudioChunk> codec = AvroCodec.forClass(AudioChunk.class);
    /** The video topic, or null for microphones. */
    private final String videoTopic;
    /** The clip's frames (their stream id, seq and capture time replaced when sent), by place in the clip. */
    private final VideoFrame[] frames;
    /** Where each frame falls in the clip, samples from its start, ascending. */
    private final long[] frameAt;
    /** Per stream: frames sent so far (the next frame's seq). */
    private final long[] videoSeq;
    private final AvroCodec<VideoFrame> videoCodec = AvroCodec.forClass(VideoFrame.class);

    private AudioKafkaProducer(Builder b) {
        super(b.bootstrapServers, b.properties, b.chunkMillis * 1000L / TICKS_PER_CHUNK, "audio-producer", "an audio chunk");
        this.topic = b.topic;
        this.clip = b.clip;
        this.sampleRate = b.sampleRate;
        this.chunkSamples = (int) ((long) b.chunkMillis * b.sampleRate / 1000);
        this.chunkUs = b.chunkMillis * 1000L;
        int ticksPerSecond = (int) (1_000_000L / periodUs());
        this.ids = new String[b.streams];
        this.keys = new byte[b.streams][];
        this.phaseTicks = new int[b.streams];
        this.clipOffsets = new int[b.streams];
        SplittableRandom random = new SplittableRandom(b.seed);
        double shift = random.nextDouble();
        for (int i = 0; i < b.streams; i++) {
            ids[i] = PacedProducer.streamId(b.streamPrefix, i);
            keys[i] = ids[i].getBytes(StandardCharsets.UTF_8);
            double u = (shift + i * GOLDEN) % 1.0;
            phaseTicks[i] = Math.min(ticksPerSecond - 1, (int) Math.floor(u * ticksPerSecond));
            clipOffsets[i] = random.nextInt(clip.length);
        }
        this.videoTopic = b.videoTopic;
        this.frames = b.frames;
        this.frameAt = b.frameAt;
        this.videoSeq = new long[b.streams];
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public long streamStartUs(int i) {
        return startUs() + phaseTicks[i] * periodUs();
    }

    /** Where in the clip stream {@code i}'s first chunk starts, in samples. */
    public int clipOffset(int i) {
        return clipOffsets[i];
    }

    /** The chunk of every stream whose last sample was captured by this tick. */
    @Override
    void tick(long k) {
        for (int i = 0; i < ids.length && running(); i++) {
            long since = k - phaseTicks[i];
            if (since > 0 && since % TICKS_PER_CHUNK == 0) {
                send(i, since / TICKS_PER_CHUNK - 1);
            }
        }
    }

    /** Sends chunk {@code seq} of stream {@code i}, and with video the frames whose places it holds. */
    private void send(int i, long seq) {
        long captureUs = streamStartUs(i) + seq * chunkUs;
        long from = clipOffsets[i] + seq * chunkSamples;
        AudioChunk chunk = clipChunk(ids[i], seq, captureUs, clip, from, chunkSamples, sampleRate);
        send(topic, keys[i], codec.encode(chunk));
        if (videoTopic != null) {
            sendFrames(i, captureUs, Math.floorMod(from, (long) clip.length));
        }
    }

    /** The frames of stream {@code i} at clip places {@code [at, at + chunk)} (wrapping), the chunk captured at captureUs. */
    private void sendFrames(int i, long captureUs, long at) {
        for (long[] f : framesIn(frameAt, clip.length, at, chunkSamples)) {
            VideoFrame frame = VideoFrame.newBuilder(frames[(int) f[0]]).setStreamId(ids[i]).setSeq(videoSeq[i]++)
                    .setCaptureTimeUs(captureUs + f[1] * 1_000_000L / sampleRate).build();
            send(videoTopic, keys[i], videoCodec.encode(frame));
        }
    }

    /**
     * The frames at clip places {@code [at, at + samples)} of a clip of {@code length} samples played in a loop, in
     * playing order: each as {frame index, samples from {@code at}}; {@code frameAt} ascends within the clip.
     */
    public static List<long[]> framesIn(long[] frameAt, long length, long at, int samples) {
        List<long[]> out = new ArrayList<>(2);
        int lo = 0;
        int hi = frameAt.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (frameAt[mid] < at) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        for (int n = 0, f = lo % frameAt.length; n < frameAt.length; n++, f = (f + 1) % frameAt.length) {
            long into = Math.floorMod(frameAt[f] - at, length);
            if (into >= samples) {
                break;
            }
            out.add(new long[] {f, into});
        }
        return out;
    }

    /**
     * Chunk {@code seq} of a mono s16le stream that plays {@code clip} in a loop: {@code samples} samples from clip
     * position {@code from} (wrapping), its first sample captured at {@code captureUs}.
     */
    public static AudioChunk clipChunk(String streamId, long seq, long captureUs, short[] clip, long from, int samples,
            int sampleRate) {
        ByteBuffer pcm = ByteBuffer.allocate(samples * 2).order(ByteOrder.LITTLE_ENDIAN);
        int at = (int) Math.floorMod(from, (long) clip.length);
        for (int n = 0; n < samples; n++) {
            pcm.putShort(clip[at]);
            at = at + 1 == clip.length ? 0 : at + 1;
        }
        pcm.flip();
        return AudioChunk.newBuilder()
                .setStreamId(streamId)
                .setSeq(seq)
                .setCaptureTimeUs(captureUs)
                .setSampleRate(sampleRate)
                .setChannels(1)
                .setEncoding(SampleEncoding.PCM_S16LE)
                .setSamples(pcm)
                .setAnnotation(null)
                .build();
    }

    /** Builder; {@code set*} required, {@code opt*} optional. */
    public static final class Builder {
        private String bootstrapServers;
        private String topic;
        private int streams;
        private short[] clip;
        private int sampleRate;
        private int chunkMillis = 100;
        private long seed = 1;
        private String streamPrefix = "mic-";
        private final Properties properties = new Properties();
        private String videoTopic;
        private VideoFrame[] frames;
        private long[] frameOffsetsUs;
        private long[] frameAt;

        public Builder setBootstrapServers(String bootstrapServers) {
            this.bootstrapServers = bootstrapServers;
            return this;
        }

        public Builder setTopic(String topic) {
            this.topic = topic;
            return this;
        }

        public Builder setStreams(int streams) {
            this.streams = streams;
            return this;
        }

        /** The mono 16-bit clip every stream loops, and its sample rate. */
        public Builder setClip(short[] samples, int sampleRate) {
            this.clip = samples;
            this.sampleRate = sampleRate;
            return this;
        }

        /**
         * Makes the streams cameras: {@code frames} are the clip's pictures, frame k at {@code offsetsUs[k]}
         * microseconds from the clip's start (ascending, within the clip), sent to {@code topic} as each stream's
         * playback reaches them (with the stream's id, its own frame counter and the capture time of that place).
         */
        public Builder optVideo(String topic, List<VideoFrame> frames, long[] offsetsUs) {
            if (topic == null || topic.isBlank() || frames.isEmpty() || frames.size() != offsetsUs.length) {
                throw new IllegalArgumentException("video needs a topic and one offset per frame, got " + frames.size()
                        + " frames and " + offsetsUs.length + " offsets");
            }
            this.videoTopic = topic;
            this.frames = frames.toArray(new VideoFrame[0]);
            this.frameOffsetsUs = offsetsUs.clone();
            return this;
        }

        /** Chunk length (default 100 ms); a whole number of samples and of pacing ticks. */
        public Builder optChunkMillis(int ms) {
            this.chunkMillis = ms;
            return this;
        }

        /** Seed of the streams' clip offsets and of their starts' spread. */
        public Builder optSeed(long seed) {
            this.seed = seed;
            return this;
        }

        public Builder optStreamPrefix(String prefix) {
            this.streamPrefix = prefix;
            return this;
        }

        /** Kafka producer properties passed through untouched. */
        public Builder optProperties(Properties props) {
            this.properties.putAll(props);
            return this;
        }

        public AudioKafkaProducer build() {
            requireTarget(bootstrapServers, topic, streams);
            if (clip == null || clip.length == 0 || sampleRate < 1) {
                throw new IllegalArgumentException("a clip of at least one sample and its sample rate are required: call setClip");
            }
            if (chunkMillis < TICKS_PER_CHUNK || chunkMillis > 10_000 || chunkMillis % TICKS_PER_CHUNK != 0
                    || (long) chunkMillis * sampleRate % 1000 != 0) {
                throw new IllegalArgumentException("chunk length must be a multiple of " + TICKS_PER_CHUNK + " ms up to 10 s "
                        + "holding a whole number of samples, got " + chunkMillis + " ms at " + sampleRate + " Hz");
            }
            if (frames != null) {
                frameAt = new long[frameOffsetsUs.length];
                for (int k = 0; k < frameAt.length; k++) {
                    frameAt[k] = frameOffsetsUs[k] * sampleRate / 1_000_000L;
                    if (frameAt[k] < 0 || frameAt[k] >= clip.length || (k > 0 && frameAt[k] < frameAt[k - 1])) {
                        throw new IllegalArgumentException("video frame offsets must ascend within the clip ("
                                + clip.length * 1_000_000L / sampleRate + " us), got " + frameOffsetsUs[k] + " us at frame " + k);
                    }
                }
            }
            return new AudioKafkaProducer(this);
        }
    }
}
