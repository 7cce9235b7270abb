package io.avstream.benchmarks;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import javax.imageio.ImageIO;

import io.avstream.operators.video.FramePreprocessor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Decoding one JPEG video frame, for the video path's budget and the choice of its decoder: the JDK's ImageIO against
 * FFmpeg's MJPEG decoder (libavcodec + libswscale to RGB24, {@link FfmpegJpegDecoder}); and the whole preprocessing of
 * a frame for MAViL's video encoder ({@link FramePreprocessor}: decode to RGB, bilinear resize to 224 x 224, ImageNet
 * normalisation) with each. The JPEG is made in the setup (gradients and noise, default quality) at the given size;
 * the setup also checks that both decoders give the same picture (mean |difference| under 4 of 255 per channel;
 * about 2.2 here: their colour conversion and chroma upsampling differ, on a noisy picture).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "-Djava.awt.headless=true")
public class JpegDecodeBenchmark {
    @Param({"224x224", "640x480", "1280x720"})
    public String size;

    private byte[] jpeg;
    private final FramePreprocessor preprocessor = new FramePreprocessor(224);
    private final float[] out = new float[3 * 224 * 224];
    private FfmpegJpegDecoder ffmpeg;

    @Setup
    public void setUp() throws IOException {
        String[] wh = size.split("x");
        int w = Integer.parseInt(wh[0]);
        int h = Integer.parseInt(wh[1]);
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        SplittableRandom rng = new SplittableRandom(5);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int r = (x * 255 / w + rng.nextInt(24)) & 0xff;
                int g = (y * 255 / h + rng.nextInt(24)) & 0xff;
                int b = ((x + y) * 128 / (w + h) + rng.nextInt(24)) & 0xff;
                img.setRGB(x, y, (r << 16) | (g << 8) | b);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (!ImageIO.write(img, "jpg", out)) {
            throw new IllegalStateException("no JPEG writer in this JDK");
        }
        jpeg = out.toByteArray();
        ffmpeg = new FfmpegJpegDecoder();
        FramePreprocessor.Rgb a = FramePreprocessor.decodeJpeg(jpeg);
        FramePreprocessor.Rgb b = ffmpeg.decode(jpeg);
        if (a.width() != b.width() || a.height() != b.height()) {
            throw new IllegalStateException("the decoders disagree on the size: " + a.width() + "x" + a.height() + " vs "
                    + b.width() + "x" + b.height());
        }
        long diff = 0;
        for (int i = 0; i < a.data().length; i++) {
            diff += Math.abs((a.data()[i] & 0xFF) - (b.data()[i] & 0xFF));
        }
        double mean = (double) diff / a.data().length;
        System.out.printf("%n%s: ImageIO vs FFmpeg, mean |difference| %.2f of 255%n", size, mean);
        if (mean > 4.0) {
            throw new IllegalStateException("the decoders give different pictures: mean |difference| " + mean);
        }
    }

    @org.openjdk.jmh.annotations.TearDown
    public void tearDown() {
        ffmpeg.close();
    }

    @Benchmark
    public BufferedImage decode() throws IOException {
        return ImageIO.read(new ByteArrayInputStream(jpeg));
    }

    @Benchmark
    public FramePreprocessor.Rgb decodeFfmpeg() throws IOException {
        return ffmpeg.decode(jpeg);
    }

    /** As {@link #decodeAndPreprocess}, decoded by FFmpeg. */
    @Benchmark
    public float[] decodeFfmpegAndPreprocess() throws IOException {
        preprocessor.process(ffmpeg.decode(jpeg), out, 0);
        return out;
    }

    /** Decode to RGB24, resize to 224 x 224 and normalise: one frame's model input. */
    @Benchmark
    public float[] decodeAndPreprocess() throws IOException {
        preprocessor.process(FramePreprocessor.decodeJpeg(jpeg), out, 0);
        return out;
    }
}
