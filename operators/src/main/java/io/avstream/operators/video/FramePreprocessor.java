package io.avstream.operators.video;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.Serializable;

import javax.imageio.ImageIO;

/**
 * A video frame as MAViL's video encoder takes it (AV-SUPERB's mavil expert: ToTensorVideo, Resize((224, 224)),
 * NormalizeVideo): RGB scaled to [0, 1], resized to {@code size x size} by bilinear interpolation with half-pixel
 * centres and no antialiasing (PyTorch's {@code interpolate(mode="bilinear", align_corners=False)}; the aspect ratio
 * is not kept, as there), then normalised by the ImageNet mean and standard deviation. Out comes {@code [3, size,
 * size]}, channel-major. JPEG frames are decoded with the JDK's decoder first. Plain code, no engine; thread-safe.
 */
public final class FramePreprocessor implements Serializable {
    private static final long serialVersionUID = 1L;

    /** ImageNet mean and standard deviation per channel (R, G, B). */
    public static final float[] MEAN = {0.485f, 0.456f, 0.406f};
    public static final float[] STD = {0.229f, 0.224f, 0.225f};

    private final int size;

    /** @param size the output's side, pixels (224 for MAViL) */
    public FramePreprocessor(int size) {
        if (size < 1) {
            throw new IllegalArgumentException("size must be positive, was " + size);
        }
        this.size = size;
    }

    public int size() {
        return size;
    }

    /** Floats per frame: {@code 3 * size * size}. */
    public int length() {
        return 3 * size * size;
    }

    /**
     * Decodes a JPEG file to RGB24 (row-major, top row first).
     *
     * @throws IOException when the data is not a JPEG the JDK can decode (broken entropy-coded data, for example)
     */
    public static Rgb decodeJpeg(byte[] jpeg) throws IOException {
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(jpeg));
        if (img == null) {
            throw new IOException("no decoder for the image");
        }
        int w = img.getWidth();
        int h = img.getHeight();
        byte[] rgb = new byte[3 * w * h];
        // the decoder's own pixel layouts read directly (getRGB converts pixel by pixel, several times slower)
        if (img.getType() == BufferedImage.TYPE_3BYTE_BGR && img.getRaster().getDataBuffer() instanceof DataBufferByte d
                && d.getNumBanks() == 1 && d.getData().length == rgb.length) {
            byte[] bgr = d.getData();
            for (int i = 0; i < rgb.length; i += 3) {
                rgb[i] = bgr[i + 2];
                rgb[i + 1] = bgr[i + 1];
                rgb[i + 2] = bgr[i];
            }
        } else if (img.getType() == BufferedImage.TYPE_BYTE_GRAY
                && img.getRaster().getDataBuffer() instanceof DataBufferByte d && d.getData().length == w * h) {
            byte[] grey = d.getData();
            for (int i = 0; i < grey.length; i++) {
                rgb[3 * i] = grey[i];
                rgb[3 * i + 1] = grey[i];
                rgb[3 * i + 2] = grey[i];
            }
        } else {
            int[] argb = img.getRGB(0, 0, w, h, null, 0, w);
            for (int i = 0; i < argb.length; i++) {
                rgb[3 * i] = (byte) (argb[i] >> 16);
                rgb[3 * i + 1] = (byte) (argb[i] >> 8);
                rgb[3 * i + 2] = (byte) argb[i];
            }
        }
        return new Rgb(w, h, rgb);
    }

    /** An RGB24 picture. */
    public record Rgb(int width, int height, byte[] data) {
        public Rgb {
            if (width < 1 || height < 1 || data.length != 3L * width * height) {
                throw new IllegalArgumentException(data.length + " bytes are not RGB24 of " + width + " x " + height);
            }
        }
    }

    /** The model input of an RGB24 picture, into {@code out} from {@code offset} ({@link #length()} floats). */
    public void process(Rgb in, float[] out, int offset) {
        process(in, out, offset, size * size);
    }

    /**
     * The model input of an RGB24 picture, into {@code out}: channel {@code c}'s plane from {@code offset + c *
     * channelStride}. A clip's frame {@code t} of {@code T} in a {@code [3, T, size, size]} input has offset {@code t *
     * size * size} and channel stride {@code T * size * size}.
     */
    public void process(Rgb in, float[] out, int offset, int channelStride) {
        int w = in.width();
        int h = in.height();
        byte[] rgb = in.data();
        float scaleX = (float) w / size;
        float scaleY = (float) h / size;
        int[] x0 = new int[size];
        int[] x1 = new int[size];
        float[] lx = new float[size];
        for (int x = 0; x < size; x++) {
            // the source position in double, rounded to float, as PyTorch computes it
            float src = (float) Math.max(scaleX * (x + 0.5) - 0.5, 0.0);
            x0[x] = (int) src;
            x1[x] = x0[x] + (x0[x] < w - 1 ? 1 : 0);
            lx[x] = src - x0[x];
        }
        for (int y = 0; y < size; y++) {
            float src = (float) Math.max(scaleY * (y + 0.5) - 0.5, 0.0);
            int y0 = (int) src;
            int y1 = y0 + (y0 < h - 1 ? 1 : 0);
            float ly = src - y0;
            for (int x = 0; x < size; x++) {
                float l1 = lx[x];
                float l0 = 1f - l1;
                for (int c = 0; c < 3; c++) {
                    float a = value(rgb, w, y0, x0[x], c);
                    float b = value(rgb, w, y0, x1[x], c);
                    float d = value(rgb, w, y1, x0[x], c);
                    float e = value(rgb, w, y1, x1[x], c);
                    float v = (1f - ly) * (l0 * a + l1 * b) + ly * (l0 * d + l1 * e);
                    out[offset + c * channelStride + y * size + x] = (v - MEAN[c]) / STD[c];
                }
            }
        }
    }

    /** The model input of an RGB24 picture, {@code [3, size, size]}. */
    public float[] process(Rgb in) {
        float[] out = new float[length()];
        process(in, out, 0);
        return out;
    }

    private static float value(byte[] rgb, int w, int y, int x, int c) {
        return (rgb[3 * (y * w + x) + c] & 0xFF) / 255f;
    }
}
