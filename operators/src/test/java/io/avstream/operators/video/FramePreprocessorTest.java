package io.avstream.operators.video;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;

import javax.imageio.ImageIO;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/**
 * MAViL's video preprocessing against PyTorch's (golden/video/preprocess.json by
 * models/python/avstream_models/video_golden.py): synthetic frames smaller, larger, equal to and of another shape
 * than 224 x 224; and a JPEG of a smooth frame decodes close to the frame itself.
 */
class FramePreprocessorTest {

    /** The synthetic frame of video_golden.py. */
    static FramePreprocessor.Rgb frame(int w, int h) {
        byte[] rgb = new byte[3 * w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int i = 3 * (y * w + x);
                rgb[i] = (byte) ((x * 7 + y * 3) % 256);
                rgb[i + 1] = (byte) ((x * x + 5 * y) % 256);
                rgb[i + 2] = (byte) (((x / 8 + y / 8) % 2) * 200 + (x ^ y) % 56);
            }
        }
        return new FramePreprocessor.Rgb(w, h, rgb);
    }

    @Test
    void equalsPyTorchsResizeAndNormalisation() throws IOException {
        JsonNode golden;
        try (InputStream in = FramePreprocessorTest.class.getResourceAsStream("/golden/video/preprocess.json")) {
            golden = new ObjectMapper().readTree(in);
        }
        FramePreprocessor p = new FramePreprocessor(golden.get("size").asInt());
        JsonNode positions = golden.get("positions");
        assertThat(golden.get("frames")).hasSize(4);
        for (JsonNode f : golden.get("frames")) {
            float[] y = p.process(frame(f.get("width").asInt(), f.get("height").asInt()));
            assertThat(y).hasSize(3 * 224 * 224);
            double worst = 0;
            for (int k = 0; k < positions.size(); k++) {
                worst = Math.max(worst, Math.abs(y[positions.get(k).asInt()] - f.get("values").get(k).asDouble()));
            }
            int plane = 224 * 224;
            double worstSum = 0;
            for (int c = 0; c < 3; c++) {
                double sum = 0;
                for (int i = 0; i < plane; i++) {
                    sum += y[c * plane + i];
                }
                worstSum = Math.max(worstSum, Math.abs(sum - f.get("channel_sums").get(c).asDouble()) / plane);
            }
            System.out.printf("%d x %d: max |Java - PyTorch| %.2e at 2,000 positions, mean difference per channel %.2e%n",
                    f.get("width").asInt(), f.get("height").asInt(), worst, worstSum);
            // float32 rounding of the source positions: PyTorch's own float32 result is up to 9.9e-5 from float64's
            // on these frames (640 x 480)
            assertThat(worst).isLessThan(2e-4);
            assertThat(worstSum).isLessThan(1e-6);
        }
    }

    @Test
    void aJpegOfTheFrameDecodesCloseToTheFrame() throws IOException {
        // a smooth picture (gradients), as camera frames mostly are
        byte[] smooth = new byte[3 * 320 * 180];
        for (int y = 0; y < 180; y++) {
            for (int x = 0; x < 320; x++) {
                int i = 3 * (y * 320 + x);
                smooth[i] = (byte) (x * 255 / 319);
                smooth[i + 1] = (byte) (y * 255 / 179);
                smooth[i + 2] = (byte) ((x + y) * 255 / 498);
            }
        }
        FramePreprocessor.Rgb rgb = new FramePreprocessor.Rgb(320, 180, smooth);
        BufferedImage img = new BufferedImage(320, 180, BufferedImage.TYPE_3BYTE_BGR);
        for (int y = 0; y < 180; y++) {
            for (int x = 0; x < 320; x++) {
                int i = 3 * (y * 320 + x);
                img.setRGB(x, y, ((rgb.data()[i] & 0xFF) << 16) | ((rgb.data()[i + 1] & 0xFF) << 8)
                        | (rgb.data()[i + 2] & 0xFF));
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(ImageIO.write(img, "jpg", out)).isTrue();
        FramePreprocessor.Rgb decoded = FramePreprocessor.decodeJpeg(out.toByteArray());
        assertThat(decoded.width()).isEqualTo(320);
        assertThat(decoded.height()).isEqualTo(180);
        FramePreprocessor p = new FramePreprocessor(224);
        float[] a = p.process(rgb);
        float[] b = p.process(decoded);
        double mean = 0;
        for (int i = 0; i < a.length; i++) {
            mean += Math.abs(a[i] - b[i]);
        }
        mean /= a.length;
        System.out.printf("JPEG (the JDK's default quality) vs RGB24: mean |difference| %.3f (normalised units)%n", mean);
        assertThat(mean).isLessThan(0.05);
        assertThatThrownBy(() -> FramePreprocessor.decodeJpeg(new byte[] {1, 2, 3})).isInstanceOf(IOException.class);
        // the direct read of the decoder's pixels gives what the colour model gives
        BufferedImage back = ImageIO.read(new java.io.ByteArrayInputStream(out.toByteArray()));
        for (int i : new int[] {0, 1234, 320 * 180 - 1}) {
            int argb = back.getRGB(i % 320, i / 320);
            assertThat(new int[] {decoded.data()[3 * i] & 0xFF, decoded.data()[3 * i + 1] & 0xFF, decoded.data()[3 * i + 2] & 0xFF})
                    .containsExactly((argb >> 16) & 0xFF, (argb >> 8) & 0xFF, argb & 0xFF);
        }
        // a grey JPEG becomes grey RGB
        BufferedImage grey = new BufferedImage(40, 30, BufferedImage.TYPE_BYTE_GRAY);
        grey.getRaster().setSample(5, 7, 0, 200);
        ByteArrayOutputStream g = new ByteArrayOutputStream();
        assertThat(ImageIO.write(grey, "jpg", g)).isTrue();
        FramePreprocessor.Rgb greyRgb = FramePreprocessor.decodeJpeg(g.toByteArray());
        int k = 3 * (7 * 40 + 5);
        assertThat(greyRgb.data()[k]).isEqualTo(greyRgb.data()[k + 1]).isEqualTo(greyRgb.data()[k + 2]);
    }
}
