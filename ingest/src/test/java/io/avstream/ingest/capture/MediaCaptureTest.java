package io.avstream.ingest.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;

import io.avstream.schemas.AudioChunk;
import io.avstream.schemas.SampleEncoding;
import io.avstream.schemas.VideoFrame;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Capture of real media files made by the ffmpeg command line (installed by .ci/run), as fast as possible. */
class MediaCaptureTest {

    @TempDir
    static Path dir;
    static Path clip;

    static final class Collect implements MediaCapture.Sink {
        final List<AudioChunk> audio = new ArrayList<>();
        final List<VideoFrame> video = new ArrayList<>();

        @Override
        public void audio(AudioChunk c) {
            audio.add(c);
        }

        @Override
        public void video(VideoFrame f) {
            video.add(f);
        }
    }

    static void ffmpeg(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("ffmpeg", "-v", "error", "-y"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("ffmpeg: " + out).isZero();
    }

    static boolean hasFfmpeg() {
        try {
            return new ProcessBuilder("ffmpeg", "-version").start().waitFor(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            return false;
        }
    }

    @BeforeAll
    static void makeClip() throws Exception {
        assumeTrue(hasFfmpeg(), "no ffmpeg on this machine (.ci/run installs it)");
        clip = dir.resolve("clip.mkv");
        ffmpeg("-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100:duration=3", "-f", "lavfi",
                "-i", "testsrc=size=320x240:rate=25:duration=3", "-ac", "2", "-c:a", "pcm_s16le", "-c:v", "mpeg4",
                clip.toString());
    }

    static MediaCapture.Builder capture(Path file) {
        return MediaCapture.builder().setInput(MediaInput.parse(file.toString())).optPace(false);
    }

    @Test
    void audioInChunksAtTheSourcesRateAndChannelsAndJpegFramesOnOneClock() throws Exception {
        Collect c = new Collect();
        MediaCapture.Summary s = capture(clip).optVideoFps(2).optVideoSize(160, 120).build().run(c);
        assertThat(s.sampleRate()).isEqualTo(44100);
        assertThat(s.channels()).isEqualTo(2);
        assertThat(c.audio).hasSizeBetween(30, 31);
        AudioChunk first = c.audio.get(0);
        assertThat(first.getStreamId()).isEqualTo("clip");
        assertThat(first.getSampleRate()).isEqualTo(44100);
        assertThat(first.getChannels()).isEqualTo(2);
        assertThat(first.getEncoding()).isEqualTo(SampleEncoding.PCM_S16LE);
        assertThat(first.getSamples().remaining()).isEqualTo(4410 * 2 * 2);
        for (int i = 1; i < c.audio.size(); i++) {
            assertThat(c.audio.get(i).getSeq()).isEqualTo(i);
            assertThat(c.audio.get(i).getCaptureTimeUs() - c.audio.get(i - 1).getCaptureTimeUs()).isEqualTo(100_000L);
        }
        assertThat(c.video).hasSizeBetween(6, 7);
        VideoFrame v = c.video.get(1);
        assertThat(v.getWidth()).isEqualTo(160);
        assertThat(v.getHeight()).isEqualTo(120);
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(v.getData().array()));
        assertThat(img.getWidth()).isEqualTo(160);
        assertThat(v.getCaptureTimeUs() - c.video.get(0).getCaptureTimeUs()).isBetween(460_000L, 540_000L);
        assertThat(Math.abs(c.video.get(0).getCaptureTimeUs() - first.getCaptureTimeUs())).as("one clock").isLessThan(60_000L);
    }

    @Test
    void ffmpegsResamplerGivesTheRateAndChannelsAskedFor() throws Exception {
        Collect c = new Collect();
        MediaCapture.Summary s = capture(clip).optSampleRate(16000).optChannels(1).optVideo(false).build().run(c);
        assertThat(s.sampleRate()).isEqualTo(16000);
        assertThat(s.channels()).isEqualTo(1);
        assertThat(c.video).isEmpty();
        assertThat(c.audio.get(3).getSamples().remaining()).isEqualTo(1600 * 2);
        assertThat(c.audio.get(3).getSampleRate()).isEqualTo(16000);
    }

    @Test
    void loopsWithRisingTimes() throws Exception {
        Collect c = new Collect();
        MediaCapture.Summary s = capture(clip).optVideo(false).optLoop(true).optMaxDuration(Duration.ofSeconds(7)).build().run(c);
        assertThat(s.loops()).isEqualTo(3);
        long span = c.audio.get(c.audio.size() - 1).getCaptureTimeUs() - c.audio.get(0).getCaptureTimeUs();
        assertThat(span).isBetween(6_500_000L, 7_000_000L);
        for (int i = 1; i < c.audio.size(); i++) {
            assertThat(c.audio.get(i).getCaptureTimeUs()).isGreaterThan(c.audio.get(i - 1).getCaptureTimeUs());
        }
    }

    @Test
    void realTimePacingTakesTheClipsDuration() throws Exception {
        long t0 = System.nanoTime();
        MediaCapture.builder().setInput(MediaInput.parse(clip.toString())).optVideo(false)
                .optMaxDuration(Duration.ofMillis(1500)).build().run(new Collect());
        assertThat((System.nanoTime() - t0) / 1_000_000L).as("ms for 1.5 s of media").isGreaterThanOrEqualTo(1300L);
    }

    @Test
    void whatCannotBeReadIsNamedInOneLine() throws Exception {
        assertThatThrownBy(() -> MediaInput.parse(dir.resolve("missing.wav").toString()))
                .hasMessage("no such file: " + dir.resolve("missing.wav"));
        byte[] noise = new byte[4096];
        new java.util.Random(3).nextBytes(noise);
        Path bin = Files.write(dir.resolve("noise.bin"), noise);
        assertThatThrownBy(() -> capture(bin).build().run(new Collect()))
                .isInstanceOf(MediaCapture.CaptureException.class)
                .hasMessage("cannot open " + bin + ": Invalid data found when processing input");
        // FFmpeg reads text as ANSI art video: no audio to send
        Path text = Files.writeString(dir.resolve("notes.txt"), "this is not media\n".repeat(50));
        assertThatThrownBy(() -> capture(text).build().run(new Collect()))
                .isInstanceOf(MediaCapture.CaptureException.class)
                .hasMessageStartingWith(text + " has no audio stream");
        assertThatThrownBy(() -> MediaCapture.builder().setInput(MediaInput.parse("http://127.0.0.1:9/none.mp3")).build()
                .run(new Collect())).isInstanceOf(MediaCapture.CaptureException.class)
                .hasMessage("cannot open http://127.0.0.1:9/none.mp3: Connection refused");
        assertThatThrownBy(() -> MediaInput.parse("v4l2:/dev/video99")).hasMessage("no such camera: /dev/video99 (input v4l2:/dev/video99)");
        assertThatThrownBy(() -> MediaInput.parse("gopher://x/y")).hasMessageContaining("unknown scheme 'gopher'");
    }
}
