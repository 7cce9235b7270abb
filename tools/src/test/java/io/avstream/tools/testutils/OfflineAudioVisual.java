package io.avstream.tools.testutils;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.avstream.deploy.JobOptions;
import io.avstream.deploy.audioevents.AudioEventsPipeline;
import io.avstream.deploy.audiovisual.AudioVisualPipeline;
import io.avstream.models.EngineSession;
import io.avstream.models.InferenceResult;
import io.avstream.models.ModelPackage;
import io.avstream.models.RuntimeOptions;
import io.avstream.operators.audioevents.AudioDownmix;
import io.avstream.operators.audioevents.AudioEventTracking;
import io.avstream.operators.audioevents.AudioEventsModel;
import io.avstream.operators.audioevents.AudioEventsTranslator;
import io.avstream.operators.audioevents.AudioResult;
import io.avstream.operators.audioevents.AudioVideoAligner;
import io.avstream.operators.audioevents.AudioVisualTranslator;
import io.avstream.operators.audioevents.AudioVisualWindow;
import io.avstream.operators.audioevents.AudioWindow;
import io.avstream.operators.audioevents.EventTracker;
import io.avstream.operators.video.StoredFrame;
import io.avstream.operators.video.VideoInput;
import io.avstream.schemas.LatencyRecord;
import io.avstream.schemas.Prediction;
import io.avstream.schemas.SampleEncoding;
import io.avstream.schemas.VideoFrame;
import org.apache.flink.configuration.Configuration;

/**
 * The audio-visual pipeline's predictions for a whole recording and all of its stream's frames computed at once,
 * outside Flink and Kafka: the audio-events pipeline's windows, each window's frames chosen among all the frames as
 * the aligner chooses them, the audio-visual model for the windows with frames and the audio-only model for the
 * others, through ONNX Runtime one window at a time, and the event tracker of the audio-visual package; what a
 * streaming run must equal when its video does not lag past the wait.
 */
public final class OfflineAudioVisual {

    private OfflineAudioVisual() {}

    /** The stream's window predictions and event records, in the job's order. */
    public static List<Prediction> predict(Configuration conf, ModelPackage av, ModelPackage audioOnly, String stream,
            long t0Us, int rate, int channels, SampleEncoding encoding, byte[] pcm, List<VideoFrame> frames) throws Exception {
        int topK = JobOptions.TOP_K.defaultValue();
        AudioVisualTranslator avTranslator = new AudioVisualTranslator(av, topK);
        AudioEventsTranslator audioTranslator = new AudioEventsTranslator(audioOnly, topK);
        AudioVideoAligner aligner = AudioVisualPipeline.aligner(conf, VideoInput.of(av));
        TreeMap<Long, StoredFrame> held = new TreeMap<>();
        for (VideoFrame f : frames) {
            held.putIfAbsent(f.getCaptureTimeUs(), StoredFrame.of(f, f.getCaptureTimeUs()));
        }
        float[] mono = AudioDownmix.mono(ByteBuffer.wrap(pcm), channels, encoding);
        List<AudioWindow> windows = AudioEventsPipeline.audioStream(conf).offline(stream, t0Us, rate, mono);
        EventTracker tracker = AudioEventsModel.of(av).tracker();
        EventTracker.State state = tracker.newState();
        List<Prediction> out = new ArrayList<>();
        LatencyRecord none = LatencyRecord.newBuilder().setCaptureTimeUs(0).setKafkaAppendTimeUs(0).setWindowCloseUs(0)
                .setInferenceStartUs(0).setInferenceEndUs(0).setBatchSize(1).setQueueTimeUs(0).setEmitTimeUs(0).build();
        EventTracker.Listener listener = (c, on, off, peak) -> out.add(AudioEventTracking.eventRecord(stream, c, on, off, peak,
                av.labels(), av.labelIds(), av.manifest().name(), av.manifest().version(), none));
        try (EngineSession avSession = EngineSession.open(av, RuntimeOptions.defaults());
                EngineSession audioSession = EngineSession.open(audioOnly, RuntimeOptions.defaults())) {
            for (AudioWindow window : windows) {
                AudioVisualWindow w = AudioVideoAligner.withoutVideo(window);
                w.video = aligner.framesFor(w, held);
                Map<String, float[]> inputs = new HashMap<>();
                AudioResult r;
                if (w.hasVideo()) {
                    avTranslator.request(w).forEach((k, v) -> inputs.put(k, v.floats()));
                    r = avTranslator.result(w, new InferenceResult(avSession.runBatch(inputs, 1), 1, 0, 0, 0));
                } else {
                    audioTranslator.request(w).forEach((k, v) -> inputs.put(k, v.floats()));
                    r = audioTranslator.result(w, new InferenceResult(audioSession.runBatch(inputs, 1), 1, 0, 0, 0));
                }
                out.add(r.prediction);
                tracker.accept(state, r, listener);
            }
        }
        tracker.end(state, listener);
        return out;
    }
}
