package io.avstream.tools.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.avstream.ingest.capture.MediaCapture;
import io.avstream.ingest.capture.MediaInput;
import io.avstream.schemas.AudioChunk;
import io.avstream.schemas.VideoFrame;

/**
 * A recording bundled on the class path as {@code <resource>.flac} (or {@code .mkv} with video) with its truth in
 * {@code <resource>.json}.
 */
public final class BundledRecording {
    private BundledRecording() {}

    /** The recording's truth. */
    static JsonNode truth(String resource) {
        try (InputStream in = BundledRecording.class.getResourceAsStream(resource + ".json")) {
            if (in == null) {
                throw new IllegalStateException(resource + ".json is not on the classpath");
            }
            return new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The recording copied to {@code dir/fileName} (FFmpeg reads files, not class-path resources); the resource's
     * file has the extension of {@code fileName} ({@code .flac}, {@code .mkv}).
     */
    static Path copy(String resource, Path dir, String fileName) {
        Path out = dir.resolve(fileName);
        String file = resource + fileName.substring(fileName.lastIndexOf('.'));
        try (InputStream in = BundledRecording.class.getResourceAsStream(file)) {
            if (in == null) {
                throw new IllegalStateException(file + " is not on the classpath");
            }
            Files.copy(in, out, StandardCopyOption.REPLACE_EXISTING);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A recording as the capture sends it: mono 16-bit samples, and its video frames with their offsets. */
    public record Media(short[] pcm, int sampleRate, List<VideoFrame> frames, long[] frameOffsetsUs) {}

    /**
     * The recording decoded to mono 16-bit samples at {@code sampleRate} (FFmpeg's resampler and down-mix, as
     * {@code produce --sample-rate --channels 1} would send it).
     */
    static short[] pcm(String resource, String fileName, int sampleRate) {
        return decode(resource, fileName, sampleRate, false).pcm();
    }

    /**
     * The recording decoded as {@code produce --input FILE --sample-rate R --channels 1} sends it: mono 16-bit samples
     * at {@code sampleRate} and, with {@code video}, its frames (2 fps, 320 x 240 JPEG), each at its offset from the
     * first sample.
     */
    public static Media decode(String resource, String fileName, int sampleRate, boolean video) {
        try {
            Path dir = Files.createTempDirectory("avstream-recording");
            Path file = copy(resource, dir, fileName);
            ByteArrayOutputStream pcm = new ByteArrayOutputStream();
            List<VideoFrame> frames = new ArrayList<>();
            long[] firstAudioUs = {Long.MIN_VALUE};
            try {
                MediaCapture.builder().setInput(MediaInput.parse(file.toString())).optSampleRate(sampleRate).optChannels(1)
                        .optVideo(video).optPace(false).build().run(new MediaCapture.Sink() {
                            @Override
                            public void audio(AudioChunk chunk) {
                                if (firstAudioUs[0] == Long.MIN_VALUE) {
                                    firstAudioUs[0] = chunk.getCaptureTimeUs();
                                }
                                ByteBuffer b = chunk.getSamples().duplicate();
                                byte[] bytes = new byte[b.remaining()];
                                b.get(bytes);
                                pcm.writeBytes(bytes);
                            }

                            @Override
                            public void video(VideoFrame frame) {
                                frames.add(frame);
                            }
                        });
            } finally {
                Files.deleteIfExists(file);
                Files.deleteIfExists(dir);
            }
            short[] out = new short[pcm.size() / 2];
            ByteBuffer.wrap(pcm.toByteArray()).order(ByteOrder.LITTLE_ENDIAN).asShortBuffer().get(out);
            long[] offsets = frames.stream().mapToLong(f -> f.getCaptureTimeUs() - firstAudioUs[0]).toArray();
            return new Media(out, sampleRate, List.copyOf(frames), offsets);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (MediaCapture.CaptureException e) {
            throw new IllegalStateException("cannot decode the bundled recording " + resource + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted decoding the bundled recording", e);
        }
    }
}
