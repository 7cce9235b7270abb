package io.avstream.tools.testutils;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.avstream.deploy.JobOptions;
import io.avstream.deploy.audioevents.AudioEventsPipeline;
import io.avstream.models.EngineSession;
import io.avstream.models.InferenceResult;
import io.avstream.models.ModelPackage;
import io.avstream.models.RuntimeOptions;
import io.avstream.operators.audioevents.AudioDownmix;
import io.avstream.operators.audioevents.AudioEventTracking;
import io.avstream.operators.audioevents.AudioEventsModel;
import io.avstream.operators.audioevents.AudioEventsTranslator;
import io.avstream.operators.audioevents.AudioResult;
import io.avstream.operators.audioevents.AudioStream;
import io.avstream.operators.audioevents.AudioWindow;
import io.avstream.operators.audioevents.EventTracker;
import io.avstream.schemas.AudioChunk;
import io.avstream.schemas.LatencyRecord;
import io.avstream.schemas.Prediction;
import io.avstream.schemas.SampleEncoding;
import org.apache.flink.configuration.Configuration;

/**
 * The audio-events pipeline's predictions for a whole recording computed at once, outside Flink and Kafka: the same
 * down-mix, conversion to 16 kHz and filterbank over all its samples, the same windows, the model through ONNX Runtime
 * one window at a time, and the same event tracker; what a streaming run must equal.
 */
public final class OfflineAudioEvents {

    private OfflineAudioEvents() {}

    /** The samples of a stream's chunks (in sequence order, all of one format) as one interleaved buffer. */
    public static byte[] concatenate(List<AudioChunk> chunks) {
        int size = chunks.stream().mapToInt(c -> c.getSamples().remaining()).sum();
        ByteBuffer all = ByteBuffer.allocate(size);
        for (AudioChunk c : chunks) {
            all.put(c.getSamples().duplicate());
        }
        return all.array();
    }

    /** The stream's window predictions and event records, in the job's order. */
    public static List<Prediction> predict(ModelPackage pkg, String stream, long t0Us, int rate, int channels,
            SampleEncoding encoding, byte[] pcm) throws Exception {
        AudioEventsTranslator translator = new AudioEventsTranslator(pkg, JobOptions.TOP_K.defaultValue());
        AudioStream audio = AudioEventsPipeline.audioStream(new Configuration());
        float[] mono = AudioDownmix.mono(ByteBuffer.wrap(pcm), channels, encoding);
        List<AudioWindow> windows = audio.offline(stream, t0Us, rate, mono);
        EventTracker tracker = AudioEventsModel.of(pkg).tracker();
        EventTracker.State state = tracker.newState();
        List<Prediction> out = new ArrayList<>();
        String version = pkg.manifest().version();
        String name = pkg.manifest().name();
        LatencyRecord none = LatencyRecord.newBuilder().setCaptureTimeUs(0).setKafkaAppendTimeUs(0).setWindowCloseUs(0)
                .setInferenceStartUs(0).setInferenceEndUs(0).setBatchSize(1).setQueueTimeUs(0).setEmitTimeUs(0).build();
        EventTracker.Listener listener = (c, on, off, peak) -> out.add(AudioEventTracking.eventRecord(stream, c, on, off, peak,
                pkg.labels(), pkg.labelIds(), name, version, none));
        try (EngineSession session = EngineSession.open(pkg, RuntimeOptions.defaults())) {
            for (AudioWindow w : windows) {
                Map<String, float[]> inputs = Map.of(AudioEventsModel.FBANK,
                        translator.request(w).get(AudioEventsModel.FBANK).floats());
                AudioResult r = translator.result(w, new InferenceResult(session.runBatch(inputs, 1), 1, 0, 0, 0));
                out.add(r.prediction);
                tracker.accept(state, r, listener);
            }
        }
        tracker.end(state, listener);
        return out;
    }
}
