package io.avstream.ingest.validate;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import javax.imageio.ImageIO;

import io.avstream.ingest.kafka.RawRecord;
import io.avstream.schemas.AvroCodec;
import io.avstream.schemas.ImageEncoding;
import io.avstream.schemas.ReasonCode;
import io.avstream.schemas.Stamped;
import io.avstream.schemas.VideoFrame;
import org.junit.jupiter.api.Test;

/**
 * Video frames through the decoder: real JPEG files (written by the JDK's encoder) and RGB24 pass; each kind of bad
 * frame is refused with its reason, the JPEG kinds made by damaging a real file where it matters.
 */
class VideoFrameDecoderTest {

    private static final AvroCodec<VideoFrame> CODEC = AvroCodec.forClass(VideoFrame.class);
    private static final VideoFrameDecoder DECODER = new VideoFrameDecoder(VideoFrameDecoder.Limits.defaults(),
            InputLimits.defaults());

    static byte[] jpeg(int w, int h, boolean progressive) throws IOException {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, ((x * 255 / w) << 16) | ((y * 255 / h) << 8) | 90);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        var writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        var param = writer.getDefaultWriteParam();
        if (progressive) {
            param.setProgressiveMode(javax.imageio.ImageWriteParam.MODE_DEFAULT);
        }
        try (var ios = ImageIO.createImageOutputStream(out)) {
            writer.setOutput(ios);
            writer.write(null, new javax.imageio.IIOImage(img, null, null), param);
        }
        writer.dispose();
        return out.toByteArray();
    }

    /** The offset of the first {@code FF marker} in {@code b}. */
    static int marker(byte[] b, int marker) {
        for (int i = 0; i + 1 < b.length; i++) {
            if ((b[i] & 0xFF) == 0xFF && (b[i + 1] & 0xFF) == marker) {
                return i;
            }
        }
        throw new AssertionError("no marker " + Integer.toHexString(marker));
    }

    private static VideoFrame.Builder frame(byte[] data, int w, int h, ImageEncoding encoding) {
        return VideoFrame.newBuilder().setStreamId("cam-1").setSeq(7).setCaptureTimeUs(System.currentTimeMillis() * 1000L - 500_000L)
                .setWidth(w).setHeight(h).setEncoding(encoding).setData(ByteBuffer.wrap(data));
    }

    private static Decoded<VideoFrame> decode(VideoFrame f) {
        RawRecord raw = new RawRecord("avstream.video", 0, 1, System.currentTimeMillis(),
                f.getStreamId().getBytes(StandardCharsets.UTF_8), CODEC.encode(f));
        try {
            return Decoded.ok(new Stamped<>(DECODER.decode(raw), raw.timestampMs));
        } catch (Rejection r) {
            return Decoded.bad(DECODER.deadLetter(raw, r));
        }
    }

    @Test
    void realJpegFilesAndRgb24Pass() throws Exception {
        byte[] baseline = jpeg(64, 48, false);
        assertThat(VideoFrameDecoder.JpegHeader.read(ByteBuffer.wrap(baseline)))
                .isEqualTo(new VideoFrameDecoder.JpegHeader(64, 48, 3, false));
        assertThat(decode(frame(baseline, 64, 48, ImageEncoding.JPEG).build()).record).isNotNull();
        byte[] progressive = jpeg(320, 240, true);
        assertThat(VideoFrameDecoder.JpegHeader.read(ByteBuffer.wrap(progressive)).progressive()).isTrue();
        assertThat(decode(frame(progressive, 320, 240, ImageEncoding.JPEG).build()).record).isNotNull();
        byte[] padded = Arrays.copyOf(baseline, baseline.length + 5); // zero padding after the end marker
        assertThat(decode(frame(padded, 64, 48, ImageEncoding.JPEG).build()).record).isNotNull();
        assertThat(decode(frame(new byte[32 * 16 * 3], 32, 16, ImageEncoding.RGB24).build()).record).isNotNull();
    }

    @Test
    void eachBadKindIsRefusedWithItsReason() throws IOException {
        byte[] good = jpeg(64, 48, false);
        Map<String, VideoFrame> bad = new LinkedHashMap<>();
        Map<String, ReasonCode> reason = new LinkedHashMap<>();

        bad.put("not a JPEG", frame("GIF89a not a jpeg at all".getBytes(StandardCharsets.US_ASCII), 64, 48,
                ImageEncoding.JPEG).build());
        reason.put("not a JPEG", ReasonCode.CORRUPT_MEDIA);
        bad.put("truncated JPEG", frame(Arrays.copyOf(good, good.length / 2), 64, 48, ImageEncoding.JPEG).build());
        reason.put("truncated JPEG", ReasonCode.CORRUPT_MEDIA);
        byte[] cutHeader = Arrays.copyOf(good, marker(good, 0xDB) + 6);
        cutHeader = Arrays.copyOf(cutHeader, cutHeader.length + 2);
        cutHeader[cutHeader.length - 2] = (byte) 0xFF;
        cutHeader[cutHeader.length - 1] = (byte) 0xD9;
        bad.put("segment beyond the data", frame(cutHeader, 64, 48, ImageEncoding.JPEG).build());
        reason.put("segment beyond the data", ReasonCode.CORRUPT_MEDIA);
        bad.put("declared size is not the JPEG's", frame(good, 640, 480, ImageEncoding.JPEG).build());
        reason.put("declared size is not the JPEG's", ReasonCode.WRONG_SIZE);
        bad.put("absurd dimensions", frame(good, 100_000, 48, ImageEncoding.JPEG).build());
        reason.put("absurd dimensions", ReasonCode.WRONG_SIZE);
        bad.put("zero dimensions", frame(new byte[0], 0, 0, ImageEncoding.RGB24).build());
        reason.put("zero dimensions", ReasonCode.WRONG_SIZE);
        bad.put("RGB24 of the wrong length", frame(new byte[64 * 48 * 3 - 1], 64, 48, ImageEncoding.RGB24).build());
        reason.put("RGB24 of the wrong length", ReasonCode.WRONG_SIZE);
        bad.put("no data", frame(new byte[0], 64, 48, ImageEncoding.JPEG).build());
        reason.put("no data", ReasonCode.WRONG_SIZE);
        byte[] cmyk = good.clone();
        cmyk[marker(cmyk, 0xC0) + 9] = 4;
        bad.put("four components", frame(cmyk, 64, 48, ImageEncoding.JPEG).build());
        reason.put("four components", ReasonCode.UNSUPPORTED_FORMAT);
        byte[] lossless = good.clone();
        lossless[marker(lossless, 0xC0) + 1] = (byte) 0xC3;
        bad.put("lossless JPEG", frame(lossless, 64, 48, ImageEncoding.JPEG).build());
        reason.put("lossless JPEG", ReasonCode.UNSUPPORTED_FORMAT);
        byte[] broken = good.clone();
        int scan = marker(broken, 0xDA) + 2 + ((broken[marker(broken, 0xDA) + 2] & 0xFF) << 8
                | (broken[marker(broken, 0xDA) + 3] & 0xFF));
        for (int i = scan + 4; i < broken.length - 10; i += 7) {
            broken[i] = (byte) 0xFF;    // stray markers all through the entropy-coded data; the markers still read right
            broken[i + 1] = (byte) 0xD3;
        }
        bad.put("broken entropy-coded data", frame(broken, 64, 48, ImageEncoding.JPEG).build());
        reason.put("broken entropy-coded data", ReasonCode.CORRUPT_MEDIA);
        bad.put("from the future", frame(good, 64, 48, ImageEncoding.JPEG)
                .setCaptureTimeUs(System.currentTimeMillis() * 1000L + 3_600_000_000L).build());
        reason.put("from the future", ReasonCode.BAD_TIMESTAMP);

        assertThat(bad).hasSizeGreaterThanOrEqualTo(10);
        for (Map.Entry<String, VideoFrame> e : bad.entrySet()) {
            Decoded<VideoFrame> d = decode(e.getValue());
            assertThat(d.record).as(e.getKey()).isNull();
            assertThat(d.deadLetter.getReason()).as(e.getKey()).isEqualTo(reason.get(e.getKey()).name());
            assertThat(d.deadLetter.getStreamId()).isEqualTo("cam-1");
            System.out.printf("%-34s %-18s %s%n", e.getKey(), d.deadLetter.getReason(), d.deadLetter.getDetail());
        }
    }
}
