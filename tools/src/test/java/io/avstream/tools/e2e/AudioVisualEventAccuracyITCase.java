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
 * Event precision and recall of the bundled audio-visual model on audio-visual test files: four camera recordings
 * ({@code av-test/events-201.mkv} .. {@code events-204.mkv}, each made by {@code av_data.py --media --seed S --rounds 2
 * --lead 4 --bank-seed B} from its own renderings of the test split's held-out sources: 113-120 s, 24 events, two of
 * each kind one after another, some faint while their source is in view; 136 class events in all) through the job's
 * rules with the job's default settings: its windows, the aligner's frames, the models through ONNX Runtime and the
 * event tracker, computed offline ({@link OfflineAudioVisual}; {@link AudioVisualPipelineITCase} shows that the
 * streaming job gives the same predictions). An event counts when its onset and offset are both within 0.5 s of a
 * known one of its class.
 *
 * <p>The files are {@code models/python/avstream_models/av_stream.py}'s test recordings, which it scores in PyTorch
 * with the same rules: the bundled model (mavil-av-small 0.5.0) finds 117 of the 136 class events with 139 detections
 * there (0.84 and 0.86; per file 0.77/0.79, 0.83/0.85, 0.80/0.82, 0.97/0.97), and here with 138 (one detection fewer
 * on the third file: ONNX Runtime's rounding against PyTorch's). This test asks for 0.8 over the four, the level an
 * event detector should reach: 9 more wrong detections, or 9 fewer events found, than now would fail it.
 */
class AudioVisualEventAccuracyITCase {

    static final List<String> RESOURCES =
            List.of("/av-test/events-201", "/av-test/events-202", "/av-test/events-203", "/av-test/events-204");
    static final double MIN_PRECISION = 0.8;
    static final double MIN_RECALL = 0.8;

    @Test
    void theCamerasEventsAreFoundWithTheirOnsetsAndOffsets() throws Exception {
        assumeTrue(Ffmpeg.available(), "no ffmpeg on this machine (.ci/run installs it)");
        Configuration conf = JobConfig.fromMap(Map.of()).flink();
        ModelPackage av = ModelRef.of(AudioVisualOptions.MODEL.defaultValue()).load();
        ModelPackage audioOnly = ModelRef.of(AudioVisualOptions.AUDIO_MODEL.defaultValue()).load();
        int tp = 0;
        int detections = 0;
        int truths = 0;
        for (String resource : RESOURCES) {
            KnownEvents.Score score = score(resource, conf, av, audioOnly);
            tp += score.truePositives();
            detections += score.detections();
            truths += score.truths();
        }
        KnownEvents.Score all = new KnownEvents.Score(tp, detections, truths);
        System.out.printf("audio-visual test files (%d): events %s%n", RESOURCES.size(), all);
        assertThat(all.precision()).as("event precision, " + all).isGreaterThanOrEqualTo(MIN_PRECISION);
        assertThat(all.recall()).as("event recall, " + all).isGreaterThanOrEqualTo(MIN_RECALL);
    }

    /** One file through the job's rules: its score, after checking that nearly every window had its video. */
    private static KnownEvents.Score score(String resource, Configuration conf, ModelPackage av, ModelPackage audioOnly)
            throws Exception {
        KnownEvents known = KnownEvents.of(resource);
        String file = resource.substring(resource.lastIndexOf('/') + 1) + ".mkv";
        BundledRecording.Media media = BundledRecording.decode(resource, file, 16_000, true);
        long t0Us = 1_700_000_000_000_000L;
        List<VideoFrame> frames = new ArrayList<>();
        for (int i = 0; i < media.frames().size(); i++) {
            frames.add(VideoFrame.newBuilder(media.frames().get(i)).setCaptureTimeUs(t0Us + media.frameOffsetsUs()[i])
                    .build());
        }
        ByteBuffer pcm = ByteBuffer.allocate(media.pcm().length * 2).order(ByteOrder.LITTLE_ENDIAN);
        pcm.asShortBuffer().put(media.pcm());

        List<Prediction> out = OfflineAudioVisual.predict(conf, av, audioOnly, "cam", t0Us, media.sampleRate(), 1,
                SampleEncoding.PCM_S16LE, pcm.array(), frames);

        List<KnownEvents.Event> detected = new ArrayList<>();
        int windows = 0;
        int fused = 0;
        System.out.println(file + ":");
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
        System.out.printf("%s (%.0f s, %d windows, %d with video): events %s%n", file, known.seconds(), windows, fused,
                score);
        assertThat(fused).as(file + ": windows with video").isGreaterThan(windows * 9 / 10);
        return score;
    }
}
