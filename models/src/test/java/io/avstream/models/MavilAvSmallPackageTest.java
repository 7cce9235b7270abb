package io.avstream.models;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

/**
 * The bundled audio-visual model ({@code models/packages/mavil-av-small}): its manifest has the audio and video inputs
 * and the audio-event models' outputs over the same 13 classes as {@code mavil-audio-small} (the pipeline's audio-only
 * model), the video preprocessing, and the held-out metrics of the model and of the audio-only model trained the same
 * way on the same clips, the fused one above. The graph's parity with PyTorch is checked with the job's preprocessing
 * in {@code operators} ({@code AudioVisualTranslatorTest}).
 */
class MavilAvSmallPackageTest {

    @Test
    void manifestHasBothInputsTheAudioModelsClassesAndBothModelsHeldOutMetrics() {
        ModelPackage pkg = ModelPackage.fromClasspath("mavil-av-small");
        ModelManifest m = pkg.manifest();
        assertThat(m.task()).isEqualTo("audio-visual-events");
        assertThat(m.architecture()).isEqualTo("MAViL-audio-visual");
        assertThat(m.input("fbank").orElseThrow().rank()).isEqualTo(4);
        TensorSpec video = m.input("video").orElseThrow();
        assertThat(video.rank()).isEqualTo(5);
        assertThat(video.dim(1)).isEqualTo(3);
        assertThat(video.dim(2)).isEqualTo(8);
        assertThat(video.dim(3)).isEqualTo(224);
        ModelPackage audio = ModelPackage.fromClasspath("mavil-audio-small");
        assertThat(pkg.labels()).isEqualTo(audio.labels());
        assertThat(pkg.labelIds()).isEqualTo(audio.labelIds());
        JsonNode v = m.preprocessing().get("video");
        assertThat(v.get("fps").asDouble()).isEqualTo(2.0);
        assertThat(v.get("span_ms").asInt()).isEqualTo(4000);
        JsonNode fused = m.provenance().get("metrics");
        JsonNode audioOnly = m.provenance().get("audio_only_metrics");
        assertThat(fused.get("test_map").asDouble()).isGreaterThan(audioOnly.get("test_map").asDouble());
        assertThat(fused.get("test_faint_only_map").asDouble()).isGreaterThan(audioOnly.get("test_faint_only_map").asDouble());
        assertThat(m.postprocessing().get("clip_thresholds")).hasSize(13);
    }
}
