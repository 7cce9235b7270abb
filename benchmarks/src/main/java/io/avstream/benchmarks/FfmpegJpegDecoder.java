package io.avstream.benchmarks;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_MJPEG;
import static org.bytedeco.ffmpeg.global.avcodec.AV_INPUT_BUFFER_PADDING_SIZE;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_alloc_context3;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_decoder;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_free_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_open2;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_frame;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_packet;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_RGB24;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.swscale.SWS_BILINEAR;
import static org.bytedeco.ffmpeg.global.swscale.sws_freeContext;
import static org.bytedeco.ffmpeg.global.swscale.sws_getCachedContext;
import static org.bytedeco.ffmpeg.global.swscale.sws_scale;

import java.io.IOException;

import io.avstream.operators.video.FramePreprocessor;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.swscale.SwsContext;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.PointerPointer;

/**
 * JPEG frames decoded to RGB24 by FFmpeg's own MJPEG decoder (libavcodec) and converted by libswscale, through the
 * JavaCPP FFmpeg presets the capture path already uses: the candidate the JMH comparison weighs against the JDK's
 * decoder. One decoder per instance (not thread-safe); {@link #close} frees it.
 */
final class FfmpegJpegDecoder implements AutoCloseable {
    private final AVCodecContext ctx;
    private final AVPacket packet;
    private final AVFrame frame;
    private SwsContext sws;
    private BytePointer input = new BytePointer(0L);
    private BytePointer rgb = new BytePointer(0L);

    FfmpegJpegDecoder() {
        AVCodec codec = avcodec_find_decoder(AV_CODEC_ID_MJPEG);
        if (codec == null) {
            throw new IllegalStateException("FFmpeg has no MJPEG decoder");
        }
        ctx = avcodec_alloc_context3(codec);
        if (avcodec_open2(ctx, codec, (PointerPointer<?>) null) < 0) {
            throw new IllegalStateException("cannot open FFmpeg's MJPEG decoder");
        }
        packet = av_packet_alloc();
        frame = av_frame_alloc();
    }

    FramePreprocessor.Rgb decode(byte[] jpeg) throws IOException {
        long need = jpeg.length + AV_INPUT_BUFFER_PADDING_SIZE;
        if (input.capacity() < need) {
            input.close();
            input = new BytePointer(need);
        }
        input.position(0).put(jpeg);
        for (long i = jpeg.length; i < need; i++) {
            input.put(i, (byte) 0);
        }
        packet.data(input).size(jpeg.length);
        if (avcodec_send_packet(ctx, packet) < 0 || avcodec_receive_frame(ctx, frame) < 0) {
            throw new IOException("FFmpeg could not decode the JPEG");
        }
        int w = frame.width();
        int h = frame.height();
        sws = sws_getCachedContext(sws, w, h, frame.format(), w, h, AV_PIX_FMT_RGB24, SWS_BILINEAR, null, null,
                (DoublePointer) null);
        long bytes = 3L * w * h;
        if (rgb.capacity() < bytes) {
            rgb.close();
            rgb = new BytePointer(bytes);
        }
        try (PointerPointer<BytePointer> dst = new PointerPointer<>(rgb, null, null, null);
                IntPointer lines = new IntPointer(3 * w, 0, 0, 0)) {
            sws_scale(sws, frame.data(), frame.linesize(), 0, h, dst, lines);
        }
        byte[] out = new byte[(int) bytes];
        rgb.position(0).get(out);
        return new FramePreprocessor.Rgb(w, h, out);
    }

    @Override
    public void close() {
        av_frame_free(frame);
        av_packet_free(packet);
        avcodec_free_context(ctx);
        sws_freeContext(sws);
        input.close();
        rgb.close();
    }
}
