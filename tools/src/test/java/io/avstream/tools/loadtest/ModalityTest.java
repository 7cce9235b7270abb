package io.avstream.tools.loadtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ModalityTest {

    @Test
    void mocapAndAudioAreBuilt() {
        assertThat(Modality.parse("mocap")).isEqualTo(Modality.MOCAP);
        assertThat(Modality.parse(" MoCap ")).isEqualTo(Modality.MOCAP);
        assertThat(Modality.parse("Audio")).isEqualTo(Modality.AUDIO);
    }

    @Test
    void audioRunsInRealTimeOnly() {
        assertThatThrownBy(() -> LoadTest.builder().setStreams(4).optModality(Modality.AUDIO).optRate(2).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("audio streams run in real time (rate 1), got 2.0");
    }

    @Test
    void speechRunsInRealTimeOnly() {
        assertThatThrownBy(() -> LoadTest.builder().setStreams(4).optModality(Modality.SPEECH).optRate(2).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("speech streams run in real time (rate 1), got 2.0");
        assertThat(Modality.parse("speech")).isEqualTo(Modality.SPEECH);
    }

    @ParameterizedTest
    @ValueSource(strings = {"audio-video", "audio+video", " Audio-Video "})
    void camerasAreAudioVideo(String name) {
        assertThat(Modality.parse(name)).isEqualTo(Modality.AUDIO_VIDEO);
        assertThat(LoadTest.defaultTargetP99(Modality.AUDIO_VIDEO)).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void camerasRunInRealTimeOnly() {
        assertThatThrownBy(() -> LoadTest.builder().setStreams(4).optModality(Modality.AUDIO_VIDEO).optRate(2).build())
                .hasMessageContaining("audio-video streams run in real time (rate 1), got 2.0");
    }

    @Test
    void unknownNamesListTheKnownOnes() {
        assertThatThrownBy(() -> Modality.parse("lidar"))
                .hasMessageContaining("unknown modality 'lidar': use mocap, audio, speech or audio-video");
    }

    @Test
    void loadTestSettingsAreCheckedTogether() {
        assertThatThrownBy(() -> LoadTest.builder().setStreams(0).optRate(0).optDelivery("twice")
                .optDuration(Duration.ZERO).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("streams must be at least 1, got 0")
                .hasMessageContaining("rate must be in (0, 40.0], got 0.0")
                .hasMessageContaining("duration must be at least 1 s")
                .hasMessageContaining("delivery must be at-least-once or exactly-once, got twice");
    }

    @Test
    void settleSettingsAreChecked() {
        assertThatThrownBy(() -> LoadTest.builder().setStreams(1).optSettleTimeout(Duration.ofSeconds(-1))
                .optSettleWindow(Duration.ofSeconds(2)).optSettleTolerance(0).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("load test settings: settle timeout must not be negative, got PT-1S; settle window must be at "
                        + "least 3 s, got PT2S; settle tolerance must be positive, got 0.0");
    }
}
