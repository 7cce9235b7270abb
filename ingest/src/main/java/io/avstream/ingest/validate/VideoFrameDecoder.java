package io.avstream.ingest.validate;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

import io.avstream.schemas.ImageEncoding;
import io.avstream.schemas.ReasonCode;
import io.avstream.schemas.VideoFrame;

/**
 * Decodes {@link VideoFrame}s and checks what can be checked before decoding the picture: declared dimensions in
 * range ({@link ReasonCode#WRONG_SIZE} when absurd), RGB24 data of exactly {@code width * height * 3} bytes, and for
 * JPEG the file's own structure: a start-of-image marker, marker segments that fit the data, a frame header (SOF0,
 * SOF1 or SOF2: baseline, extended or progressive Huffman, 8-bit, 1 or 3 components) before the scan whose size is
 * the declared one, and an end-of-image marker (a truncated file has none); then the whole picture is decoded once
 * ({@link ReasonCode#CORRUPT_MEDIA} when its entropy-coded data is broken), so that every frame the job keeps decodes.
 */
public final class VideoFrameDecoder extends RecordDecoder<VideoFrame> {
    private static final long serialVersionUID = 1L;

    private final Limits video;

    /**
     * The frame sizes a job accepts.
     *
     * @param minSide the shortest side, pixels
     * @param maxSide the longest side, pixels
     */
    public record Limits(int minSide, int maxSide) implements Serializable {
        public Limits {
            if (minSide < 1 || maxSide < minSide) {
                throw new IllegalArgumentException("video limits out of range: sides " + minSide + ".." + maxSide);
            }
        }

        /** 16 to 8,192 pixels a side. */
        public static Limits defaults() {
            return new Limits(16, 8192);
        }
    }

    /**
     * @param video  the frame sizes the job accepts
     * @param limits size and time limits of every record
     */
    public VideoFrameDecoder(Limits video, InputLimits limits) {
        super(VideoFrame.class, limits);
        this.video = video;
    }

    @Override
    protected void validate(VideoFrame f) throws Rejection {
        int w = f.getWidth();
        int h = f.getHeight();
        if (w < video.minSide() || h < video.minSide() || w > video.maxSide() || h > video.maxSide()) {
            throw new Rejection(ReasonCode.WRONG_SIZE, "declared size " + w + " x " + h + " is outside "
                    + video.minSide() + ".." + video.maxSide() + " pixels a side");
        }
        ByteBuffer data = f.getData();
        if (data.remaining() == 0) {
            throw new Rejection(ReasonCode.WRONG_SIZE, "no image data");
        }
        if (f.getEncoding() == ImageEncoding.RGB24) {
            long expected = 3L * w * h;
            if (data.remaining() != expected) {
                throw new Rejection(ReasonCode.WRONG_SIZE, data.remaining() + " bytes of RGB24 for " + w + " x " + h
                        + " (" + expected + " expected)");
            }
            return;
        }
        JpegHeader jpeg = JpegHeader.read(data);
        if (jpeg.width() != w || jpeg.height() != h) {
            throw new Rejection(ReasonCode.WRONG_SIZE, "the JPEG is " + jpeg.width() + " x " + jpeg.height()
                    + ", the frame declares " + w + " x " + h);
        }
        decodeWhole(data);
    }

    /**
     * Decodes the whole picture once with the decoder the job uses, so that broken entropy-coded data (which the
     * markers do not show) is refused here, with its record, rather than met when a window is inferred. The JDK's
     * decoder reports such damage as warnings (and fills the picture in); a warning refuses the frame too.
     */
    private static void decodeWhole(ByteBuffer data) throws Rejection {
        byte[] bytes = new byte[data.remaining()];
        data.duplicate().get(bytes);
        Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName("jpeg");
        if (!readers.hasNext()) {
            throw new IllegalStateException("the JDK has no JPEG decoder");
        }
        ImageReader reader = readers.next();
        List<String> warnings = new ArrayList<>();
        reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            reader.setInput(in);
            reader.read(0);
        } catch (IOException | RuntimeException e) {
            throw new Rejection(ReasonCode.CORRUPT_MEDIA, "the JPEG does not decode: " + e.getMessage());
        } finally {
            reader.dispose();
        }
        if (!warnings.isEmpty()) {
            throw new Rejection(ReasonCode.CORRUPT_MEDIA, "the JPEG decodes with errors: " + warnings.get(0));
        }
    }

    @Override
    protected ReasonCode failureReason() {
        return ReasonCode.CORRUPT_MEDIA;
    }

    @Override
    public String streamId(VideoFrame f) {
        return f.getStreamId();
    }

    @Override
    public long seq(VideoFrame f) {
        return f.getSeq();
    }

    @Override
    public long captureTimeUs(VideoFrame f) {
        return f.getCaptureTimeUs();
    }

    /** What a JPEG file's markers say about its picture. */
    public record JpegHeader(int width, int height, int components, boolean progressive) {

        /**
         * Walks the markers of a whole JPEG file ({@code data}'s remaining bytes, not consumed).
         *
         * @throws Rejection {@link ReasonCode#CORRUPT_MEDIA} when the structure is broken or truncated,
         *                   {@link ReasonCode#UNSUPPORTED_FORMAT} for a JPEG kind the job does not decode
         */
        public static JpegHeader read(ByteBuffer data) throws Rejection {
            ByteBuffer b = data.duplicate();
            int start = b.position();
            int end = b.limit();
            if (end - start < 4 || u8(b, start) != 0xFF || u8(b, start + 1) != 0xD8) {
                throw new Rejection(ReasonCode.CORRUPT_MEDIA, "not a JPEG file: no start-of-image marker");
            }
            int last = end;
            while (last - start > 2 && u8(b, last - 1) == 0x00) {
                last--; // zero padding after the end marker
            }
            if (u8(b, last - 2) != 0xFF || u8(b, last - 1) != 0xD9) {
                throw new Rejection(ReasonCode.CORRUPT_MEDIA, "the JPEG has no end-of-image marker: truncated");
            }
            int at = start + 2;
            JpegHeader frame = null;
            while (true) {
                if (at + 1 >= last) {
                    throw new Rejection(ReasonCode.CORRUPT_MEDIA, "the JPEG ends before its scan");
                }
                if (u8(b, at) != 0xFF) {
                    throw new Rejection(ReasonCode.CORRUPT_MEDIA, "byte " + (at - start) + " of the JPEG is not a marker");
                }
                int marker = u8(b, at + 1);
                if (marker == 0xFF) {
                    at++; // fill byte
                    continue;
                }
                if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {
                    at += 2; // no length
                    continue;
                }
                if (marker == 0xD8 || marker == 0xD9) {
                    throw new Rejection(ReasonCode.CORRUPT_MEDIA, String.format(
                            "unexpected marker FF%02X at byte %d of the JPEG", marker, at - start));
                }
                if (at + 3 >= last) {
                    throw new Rejection(ReasonCode.CORRUPT_MEDIA, "the JPEG is cut inside a marker segment");
                }
                int length = (u8(b, at + 2) << 8) | u8(b, at + 3);
                if (length < 2 || at + 2 + length > last) {
                    throw new Rejection(ReasonCode.CORRUPT_MEDIA, String.format(
                            "marker FF%02X at byte %d declares %d bytes, beyond the data", marker, at - start, length));
                }
                if (marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC) {
                    if (marker > 0xC2) {
                        throw new Rejection(ReasonCode.UNSUPPORTED_FORMAT, String.format(
                                "JPEG frame type SOF%d (lossless, hierarchical or arithmetic coding) is not decoded",
                                marker - 0xC0));
                    }
                    if (length < 8) {
                        throw new Rejection(ReasonCode.CORRUPT_MEDIA, "the JPEG frame header is too short");
                    }
                    int precision = u8(b, at + 4);
                    int height = (u8(b, at + 5) << 8) | u8(b, at + 6);
                    int width = (u8(b, at + 7) << 8) | u8(b, at + 8);
                    int components = u8(b, at + 9);
                    if (precision != 8) {
                        throw new Rejection(ReasonCode.UNSUPPORTED_FORMAT, precision + "-bit JPEG samples (8 are decoded)");
                    }
                    if (components != 1 && components != 3) {
                        throw new Rejection(ReasonCode.UNSUPPORTED_FORMAT, components
                                + " JPEG components (grey or colour, 1 or 3, are decoded)");
                    }
                    if (width == 0 || height == 0) {
                        throw new Rejection(ReasonCode.CORRUPT_MEDIA, "the JPEG frame header declares " + width + " x "
                                + height);
                    }
                    frame = new JpegHeader(width, height, components, marker == 0xC2);
                }
                if (marker == 0xDA) {
                    if (frame == null) {
                        throw new Rejection(ReasonCode.CORRUPT_MEDIA, "the JPEG scan starts before a frame header");
                    }
                    return frame;
                }
                at += 2 + length;
            }
        }

        private static int u8(ByteBuffer b, int i) {
            return b.get(i) & 0xFF;
        }
    }
}
