package io.avstream.tools.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.avstream.deploy.JobConfig;
import io.avstream.deploy.audiovisual.AudioVisualOptions;
import io.avstream.models.ModelPackage;
import io.avstream.operators.inference.ModelRef;
import io.avstream.schemas.Prediction;
import io.avstream.schemas.SampleEncoding;
import io.avstream.schemas.VideoFrame;
import io.avstream.tools.cli.BundledRecording;
import io.avstream.tools.cli.KnownEvents;
import io.avstream.tools.testutils.Ffmpeg;
import io.avstream.tools.testutils.OfflineAudioVisual;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

/**
 * Event precision and recall of the bundled audio-visual model on an audio-visual test file: a camera's recording
 * ({@code av-test/events.mkv}, made by {@code av_data.py --media --seed 201 --rounds 2 --lead 4} from the test split's
 * held-out sources: 24 events, two of each kind one after another, 6 of them faint while their source is in view)
 * through the job's rules with the job's default settings: its windows, the aligner's frames, the models through ONNX
 * Runtime and the event tracker, computed offline ({@link OfflineAudioVisual}; {@link AudioVisualPipelineITCase}
 * shows that the streaming job gives the same predictions). An event counts when its onset and offset are both within
 * 0.5 s of a known one of its class.
 *
 * <p>The goal is 0.8 for both. The bundled model (mavil-av-small 0.4.0) finds 21 of the file's 34 class events with
 * 32 detections (0.66 and 0.62, as {@code models/python/avstream_models/av_stream.py} computes it in PyTorch; the
 * file is the first and hardest of its four test recordings, 0.73 and 0.74 over all four); this test holds that
 * level, with room for an event or two that another CPU's rounding moves across a threshold.
 */
class AudioVisualEventAccuracyITCase {

    static final String RESOURCE = "/av-test/events";
    /** The bundled model's level on this file (0.66 and 0.62), less two events; the goal is 0.8. */
    static final double MIN_PRECISION = 0.59;
    static final double MIN_RECALL = 0.55;

    @Test
    void theCamerasEventsAreFoundWithTheirOnsetsAndOffsets() throws Exception {
        assumeTrue(Ffmpeg.available(), "no ffmpeg on this machine (.ci/run installs it)");
        KnownEvents known = KnownEvents.of(RESOURCE);
        BundledRecording.Media media = BundledRecording.decode(RESOURCE, "events.mkv", 16_000, true);
        long t0Us = 1_700_000_000_000_000L;
        List<VideoFrame> frames = new ArrayList<>();
        for (int i = 0; i < media.frames().size(); i++) {
            frames.add(VideoFrame.newBuilder(media.frames().get(i)).setCaptureTimeUs(t0Us + media.frameOffsetsUs()[i])
                    .build());
        }
        ByteBuffer pcm = ByteBuffer.allocate(media.pcm().length * 2).order(ByteOrder.LITTLE_ENDIAN);
        pcm.asShortBuffer().put(media.pcm());
        Configuration conf = JobConfig.fromMap(Map.of()).flink();
        ModelPackage av = ModelRef.of(AudioVisualOptions.MODEL.defaultValue()).load();
        ModelPackage audioOnly = ModelRef.of(AudioVisualOptions.AUDIO_MODEL.defaultValue()).load();

        List<Prediction> out = OfflineAudioVisual.predict(conf, av, audioOnly, "cam", t0Us, media.sampleRate(), 1,
                SampleEncoding.PCM_S16LE, pcm.array(), frames);

        List<KnownEvents.Event> detected = new ArrayList<>();
        int windows = 0;
        int fused = 0;
        for (Prediction p : out) {
            if (p.getEvent() == null) {
                windows++;
                fused += p.getModelName().equals(av.manifest().name()) ? 1 : 0;
                continue;
            }
            KnownEvents.Event d = new KnownEvents.Event(p.getEvent().getLabel().getIndex(),
                    p.getEvent().getLabel().getName(), (p.getEvent().getOnsetUs() - t0Us) / 1e6,
                    (p.getEvent().getOffsetUs() - t0Us) / 1e6);
            detected.add(d);
            KnownEvents.Event truth = known.matching(d);
            System.out.printf("  %-24s %7.2f-%7.2f s  %s%n", d.label(), d.onset(), d.offset(),
                    truth == null ? "(no known event)" : String.format("(known %.2f-%.2f s)", truth.onset(), truth.offset()));
        }
        KnownEvents.Score score = known.score(detected);
        System.out.printf("audio-visual test file (%.0f s, %d windows, %d with video): events %s%n", known.seconds(),
                windows, fused, score);
        assertThat(fused).as("windows with video").isGreaterThan(windows * 9 / 10);
        assertThat(score.precision()).as("event precision, " + score).isGreaterThanOrEqualTo(MIN_PRECISION);
        assertThat(score.recall()).as("event recall, " + score).isGreaterThanOrEqualTo(MIN_RECALL);
    }
}
