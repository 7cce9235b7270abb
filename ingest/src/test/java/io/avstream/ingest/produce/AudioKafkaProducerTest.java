package io.avstream.ingest.produce;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.List;

import io.avstream.schemas.ImageEncoding;
import io.avstream.schemas.VideoFrame;
import org.junit.jupiter.api.Test;

class AudioKafkaProducerTest {

    private static String places(List<long[]> frames) {
        StringBuilder b = new StringBuilder();
        for (long[] f : frames) {
            b.append(f[0]).append('@').append(f[1]).append(' ');
        }
        return b.toString().trim();
    }

    @Test
    void aChunkCarriesTheFramesWhosePlacesItHoldsAndTheLoopWraps() {
        // a 10 000-sample clip with frames every 2 000 samples from 500
        long[] at = {500, 2_500, 4_500, 6_500, 8_500};
        assertThat(places(AudioKafkaProducer.framesIn(at, 10_000, 0, 1_600))).isEqualTo("0@500");
        assertThat(places(AudioKafkaProducer.framesIn(at, 10_000, 500, 1_600))).isEqualTo("0@0");
        assertThat(places(AudioKafkaProducer.framesIn(at, 10_000, 501, 1_600))).isEmpty();
        assertThat(places(AudioKafkaProducer.framesIn(at, 10_000, 2_000, 4_600))).isEqualTo("1@500 2@2500 3@4500");
        // past the last frame: the loop's next frames are the clip's first
        assertThat(places(AudioKafkaProducer.framesIn(at, 10_000, 9_000, 1_600))).isEqualTo("0@1500");
        assertThat(places(AudioKafkaProducer.framesIn(at, 10_000, 8_000, 3_000))).isEqualTo("4@500 0@2500");
        // a chunk as long as the clip holds every frame once
        assertThat(AudioKafkaProducer.framesIn(at, 10_000, 3_000, 10_000)).hasSize(5);
    }

    @Test
    void videoFrameOffsetsMustAscendWithinTheClip() {
        VideoFrame f = VideoFrame.newBuilder().setStreamId("x").setSeq(0).setCaptureTimeUs(0).setWidth(1).setHeight(1)
                .setEncoding(ImageEncoding.RGB24).setData(ByteBuffer.wrap(new byte[3])).setAnnotation(null).build();
        AudioKafkaProducer.Builder b = AudioKafkaProducer.builder().setBootstrapServers("127.0.0.1:1").setTopic("a")
                .setStreams(1).setClip(new short[16_000], 16_000);
        assertThatThrownBy(() -> b.optVideo("v", List.of(f, f), new long[] {600_000, 200_000}).build())
                .hasMessageContaining("must ascend within the clip (1000000 us), got 200000 us at frame 1");
        assertThatThrownBy(() -> b.optVideo("v", List.of(f), new long[] {1_000_000}).build())
                .hasMessageContaining("got 1000000 us at frame 0");
        assertThatThrownBy(() -> b.optVideo("v", List.of(f), new long[] {1, 2}))
                .hasMessageContaining("got 1 frames and 2 offsets");
    }
}
