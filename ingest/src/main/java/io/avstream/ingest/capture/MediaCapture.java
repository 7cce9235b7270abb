package io.avstream.ingest.capture;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.ShortBuffer;
import java.time.Duration;
import java.util.Iterator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

import io.avstream.schemas.AudioChunk;
import io.avstream.schemas.EpochMicros;
import io.avstream.schemas.ImageEncoding;
import io.avstream.schemas.SampleEncoding;
import io.avstream.schemas.VideoFrame;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameGrabber;
import org.bytedeco.javacv.Java2DFrameConverter;

/**
 * Reads one media input with FFmpeg (through JavaCV) and turns it into the records of one stream: its audio as
 * int16 PCM chunks of a fixed length ({@link AudioChunk}, the source's own sample rate and channels unless others
 * are asked for, then FFmpeg's resampler converts), its video, when it has one, as JPEG frames at a chosen rate
 * and size ({@link VideoFrame}). Both carry capture times on one clock: the wall-clock time the input started
 * plus the media's own timestamps, so a stream's audio and video line up. A file is paced to real time unless
 * asked to go as fast as it can, and may loop (times keep rising); a network stream or device is read as it comes.
 *
 * <pre>{@code
 * MediaCapture capture = MediaCapture.builder().setInput(MediaInput.parse("clip.mp4")).setStreamId("cam-1").build();
 * capture.run(sink);   // until the input ends (or the capture is stopped)
 * }</pre>
 */
public final class MediaCapture {

    /** Where the records go. */
    public interface Sink {
        void audio(AudioChunk chunk);

        void video(VideoFrame frame);
    }

    /** What a capture read. */
    public record Summary(long audioChunks, long videoFrames, int sampleRate, int channels, boolean hadVideo, long loops) {}

    private final MediaInput input;
    private final String streamId;
    private final int chunkMillis;
    private final int sampleRate;
    private final int channels;
    private final boolean video;
    private final double videoFps;
    private final int width;
    private final int height;
    private final float jpegQuality;
    private final boolean pace;
    private final boolean loop;
    private final Duration maxDuration;
    private volatile boolean stopped;

    private MediaCapture(Builder b) {
        this.input = b.input;
        this.streamId = b.streamId != null ? b.streamId : b.input.defaultStreamId();
        this.chunkMillis = b.chunkMillis;
        this.sampleRate = b.sampleRate;
        this.channels = b.channels;
        this.video = b.video;
        this.videoFps = b.videoFps;
        this.width = b.width;
        this.height = b.height;
        this.jpegQuality = b.jpegQuality;
        this.pace = b.pace;
        this.loop = b.loop;
        this.maxDuration = b.maxDuration;
    }

    public static Builder builder() {
        return new Builder();
    }

    public String streamId() {
        return streamId;
    }

    public MediaInput input() {
        return input;
    }

    /** Ends a running capture after the record it is working on. */
    public void stop() {
        stopped = true;
    }

    /**
     * Reads the input to its end (every loop of it, or the maximum duration), writing its records to the sink.
     *
     * @throws CaptureException with one line naming the input when it cannot be opened or read
     */
    public Summary run(Sink sink) throws CaptureException, InterruptedException {
        long audioChunks = 0;
        long videoFrames = 0;
        long loops = 0;
        int rate = 0;
        int ch = 0;
        boolean hadVideo = false;
        long clockStartUs = EpochMicros.now();
        long wallStartNs = System.nanoTime();
        long offsetUs = 0; // media time of the loops before this one
        Java2DFrameConverter converter = new Java2DFrameConverter();
        do {
            FFmpegFrameGrabber g = open();
            try {
                rate = g.getSampleRate();
                ch = g.getAudioChannels();
                hadVideo = video && g.hasVideo() && g.getImageWidth() > 0;
                int chunkSamples = Math.max(1, (int) ((long) rate * chunkMillis / 1000));
                ShortBuffer pending = ShortBuffer.allocate(Math.max(1, chunkSamples * Math.max(1, ch)) * 2);
                long audioFirstUs = Long.MIN_VALUE;
                long samplesSent = 0;
                long nextVideoUs = Long.MIN_VALUE;
                long lastUs = 0;
                Frame f;
                while (!stopped && (f = grab(g)) != null) {
                    long ts = Math.max(0, f.timestamp) + offsetUs;
                    if (maxDuration != null && ts > maxDuration.toNanos() / 1000) {
                        stopped = true;
                        break;
                    }
                    lastUs = Math.max(lastUs, ts);
                    if (pace) {
                        long dueNs = wallStartNs + ts * 1000;
                        long waitNs = dueNs - System.nanoTime();
                        if (waitNs > 1_000_000) {
                            Thread.sleep(waitNs / 1_000_000, (int) (waitNs % 1_000_000));
                        }
                    }
                    if (f.samples != null && rate > 0 && ch > 0) {
                        if (audioFirstUs == Long.MIN_VALUE) {
                            audioFirstUs = ts;
                        }
                        ShortBuffer in = ((ShortBuffer) f.samples[0]).duplicate();
                        while (in.hasRemaining()) {
                            int n = Math.min(in.remaining(), chunkSamples * ch - pending.position());
                            ShortBuffer part = in.duplicate();
                            part.limit(part.position() + n);
                            pending.put(part);
                            in.position(in.position() + n);
                            if (pending.position() == chunkSamples * ch) {
                                sink.audio(chunk(pending, rate, ch, clockStartUs + audioFirstUs + samplesSent * 1_000_000L / rate,
                                        audioChunks));
                                audioChunks++;
                                samplesSent += chunkSamples;
                            }
                        }
                    }
                    if (hadVideo && f.image != null && (nextVideoUs == Long.MIN_VALUE || ts >= nextVideoUs)) {
                        BufferedImage img = converter.convert(f);
                        if (img != null) {
                            sink.video(frame(img, clockStartUs + ts, videoFrames));
                            videoFrames++;
                            nextVideoUs = (nextVideoUs == Long.MIN_VALUE ? ts : nextVideoUs) + (long) (1_000_000L / videoFps);
                        }
                    }
                }
                if (rate > 0 && ch > 0 && pending.position() >= ch && !stopped) {
                    // the last, shorter chunk of the input
                    sink.audio(chunk(pending, rate, ch, clockStartUs + audioFirstUs + samplesSent * 1_000_000L / rate, audioChunks));
                    audioChunks++;
                }
                // the next loop starts one video frame or audio chunk after this one's last timestamp
                offsetUs = lastUs + (rate > 0 ? 1_000_000L * chunkSamples / rate : (long) (1_000_000L / videoFps));
            } finally {
                close(g);
            }
            loops++;
        } while (loop && !stopped);
        return new Summary(audioChunks, videoFrames, rate, ch, hadVideo, loops);
    }

    private FFmpegFrameGrabber open() throws CaptureException {
        // FFmpeg's own log (stream dumps, rejected options) is not for the user: failures come back as exceptions
        avutil.av_log_set_level(avutil.AV_LOG_ERROR);
        FFmpegFrameGrabber g = new FFmpegFrameGrabber(input.target());
        if (input.format() != null) {
            g.setFormat(input.format());
        }
        if (input.kind() == MediaInput.Kind.NETWORK) {
            // give up on an unreachable or silent server after 10 s instead of waiting forever
            g.setOption("rw_timeout", "10000000");
            g.setOption("timeout", "10000000");
        }
        g.setSampleMode(FrameGrabber.SampleMode.SHORT);
        if (sampleRate > 0) {
            g.setSampleRate(sampleRate);
        }
        if (channels > 0) {
            g.setAudioChannels(channels);
        }
        if (video && width > 0 && height > 0) {
            g.setImageWidth(width);
            g.setImageHeight(height);
        }
        try {
            g.start();
        } catch (FrameGrabber.Exception | RuntimeException e) {
            close(g);
            throw new CaptureException("cannot open " + input.spec() + ": " + describe(e));
        }
        if (!g.hasAudio() || g.getSampleRate() <= 0 || g.getAudioChannels() <= 0) {
            String format = formatName(g);
            close(g);
            throw new CaptureException(input.spec() + " has no audio stream" + (format == null ? "" : " (FFmpeg reads it as "
                    + format + ")"));
        }
        return g;
    }

    private static String formatName(FFmpegFrameGrabber g) {
        try {
            var ctx = g.getFormatContext();
            return ctx == null || ctx.iformat() == null ? null : ctx.iformat().name().getString();
        } catch (RuntimeException e) {
            return null;
        }
    }

    private Frame grab(FFmpegFrameGrabber g) throws CaptureException {
        try {
            return g.grab();
        } catch (FrameGrabber.Exception | RuntimeException e) {
            throw new CaptureException("cannot read " + input.spec() + ": " + describe(e));
        }
    }

    private static void close(FFmpegFrameGrabber g) {
        try {
            g.close();
        } catch (FrameGrabber.Exception | RuntimeException e) {
            // closing after a failure: nothing more to do
        }
    }

    private static final Pattern CODE = Pattern.compile("error (-?\\d+)");

    /** FFmpeg's own words for the error code in a JavaCV message, e.g. "Connection refused". */
    static String describe(Throwable e) {
        String msg = String.valueOf(e.getMessage());
        Matcher m = CODE.matcher(msg);
        if (m.find()) {
            int code = Integer.parseInt(m.group(1));
            BytePointer buf = new BytePointer(256);
            try {
                if (avutil.av_strerror(code, buf, 256) == 0) {
                    byte[] text = new byte[256];
                    buf.get(text);
                    int end = 0;
                    while (end < text.length && text[end] != 0) {
                        end++;
                    }
                    return new String(text, 0, end, java.nio.charset.StandardCharsets.UTF_8);
                }
            } finally {
                buf.close();
            }
        }
        int nl = msg.indexOf('\n');
        return nl > 0 ? msg.substring(0, nl) : msg;
    }

    private AudioChunk chunk(ShortBuffer pending, int rate, int ch, long captureUs, long seq) {
        int n = pending.position();
        ByteBuffer bytes = ByteBuffer.allocate(n * 2).order(ByteOrder.LITTLE_ENDIAN);
        pending.flip();
        while (pending.hasRemaining()) {
            bytes.putShort(pending.get());
        }
        pending.clear();
        bytes.flip();
        return AudioChunk.newBuilder().setStreamId(streamId).setSeq(seq).setCaptureTimeUs(captureUs)
                .setSampleRate(rate).setChannels(ch).setEncoding(SampleEncoding.PCM_S16LE).setSamples(bytes).build();
    }

    private VideoFrame frame(BufferedImage img, long captureUs, long seq) throws CaptureException {
        return VideoFrame.newBuilder().setStreamId(streamId).setSeq(seq).setCaptureTimeUs(captureUs)
                .setWidth(img.getWidth()).setHeight(img.getHeight()).setEncoding(ImageEncoding.JPEG)
                .setData(ByteBuffer.wrap(jpeg(img, jpegQuality))).build();
    }

    /** A JPEG file of the image at the given quality (0..1). */
    static byte[] jpeg(BufferedImage img, float quality) throws CaptureException {
        Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName("jpeg");
        if (!writers.hasNext()) {
            throw new CaptureException("no JPEG encoder in this JVM");
        }
        ImageWriter w = writers.next();
        try (ByteArrayOutputStream out = new ByteArrayOutputStream(); var ios = new MemoryCacheImageOutputStream(out)) {
            ImageWriteParam p = w.getDefaultWriteParam();
            p.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            p.setCompressionQuality(quality);
            w.setOutput(ios);
            w.write(null, new IIOImage(img, null, null), p);
            ios.flush();
            return out.toByteArray();
        } catch (IOException e) {
            throw new CaptureException("cannot encode a JPEG: " + e.getMessage());
        } finally {
            w.dispose();
        }
    }

    /** An input that cannot be opened or read; the message is one line naming it. */
    public static final class CaptureException extends Exception {
        private static final long serialVersionUID = 1L;

        public CaptureException(String message) {
            super(message);
        }
    }

    /** Builder; {@code set*} required, {@code opt*} optional. */
    public static final class Builder {
        private MediaInput input;
        private String streamId;
        private int chunkMillis = 100;
        private int sampleRate;
        private int channels;
        private boolean video = true;
        private double videoFps = 2;
        private int width = 320;
        private int height = 240;
        private float jpegQuality = 0.85f;
        private boolean pace = true;
        private boolean loop;
        private Duration maxDuration;

        public Builder setInput(MediaInput input) {
            this.input = input;
            return this;
        }

        /** The stream id (default: from the input, {@link MediaInput#defaultStreamId()}). */
        public Builder optStreamId(String id) {
            this.streamId = id;
            return this;
        }

        /** Audio chunk length (default 100 ms). */
        public Builder optChunkMillis(int ms) {
            this.chunkMillis = ms;
            return this;
        }

        /** Convert the audio to this rate (default 0: the source's). */
        public Builder optSampleRate(int hz) {
            this.sampleRate = hz;
            return this;
        }

        /** Convert the audio to this many channels (default 0: the source's). */
        public Builder optChannels(int n) {
            this.channels = n;
            return this;
        }

        /** Whether to send video frames when the input has video (default true). */
        public Builder optVideo(boolean video) {
            this.video = video;
            return this;
        }

        /** Video frames per second sent (default 2, MAViL's rate). */
        public Builder optVideoFps(double fps) {
            this.videoFps = fps;
            return this;
        }

        /** Size of the video frames sent (default 320 x 240). */
        public Builder optVideoSize(int width, int height) {
            this.width = width;
            this.height = height;
            return this;
        }

        /** JPEG quality, 0..1 (default 0.85). */
        public Builder optJpegQuality(float q) {
            this.jpegQuality = q;
            return this;
        }

        /** Whether a file is sent in real time (default true); false sends as fast as it can. */
        public Builder optPace(boolean pace) {
            this.pace = pace;
            return this;
        }

        /** Whether a file starts again at its end (default false). */
        public Builder optLoop(boolean loop) {
            this.loop = loop;
            return this;
        }

        /** Stop after this much media time (default: the input's end). */
        public Builder optMaxDuration(Duration d) {
            this.maxDuration = d;
            return this;
        }

        public MediaCapture build() {
            if (input == null) {
                throw new IllegalArgumentException("an input is required: call setInput(MediaInput.parse(...))");
            }
            if (chunkMillis < 1 || chunkMillis > 10_000) {
                throw new IllegalArgumentException("chunk length must be 1..10000 ms, got " + chunkMillis);
            }
            if (sampleRate < 0 || channels < 0 || channels > 8) {
                throw new IllegalArgumentException("sample rate must be >= 0 and channels 0..8, got " + sampleRate + " Hz, "
                        + channels + " channels");
            }
            if (!(videoFps > 0) || videoFps > 120) {
                throw new IllegalArgumentException("video frame rate must be in (0, 120], got " + videoFps);
            }
            if (width < 0 || height < 0 || width > 8192 || height > 8192) {
                throw new IllegalArgumentException("video size out of range: " + width + "x" + height);
            }
            if (!(jpegQuality > 0) || jpegQuality > 1) {
                throw new IllegalArgumentException("JPEG quality must be in (0, 1], got " + jpegQuality);
            }
            if (loop && input.kind() != MediaInput.Kind.FILE) {
                throw new IllegalArgumentException("--loop needs a file input, got " + input.spec());
            }
            return new MediaCapture(this);
        }
    }
}
