package io.avstream.tools.testutils;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.avstream.deploy.speech.SpeechOptions;
import io.avstream.deploy.speech.SpeechPipeline;
import io.avstream.models.InferenceResult;
import io.avstream.models.ModelHandle;
import io.avstream.models.ModelPackage;
import io.avstream.models.RuntimeOptions;
import io.avstream.models.SharedModels;
import io.avstream.operators.audioevents.AudioDownmix;
import io.avstream.operators.inference.ModelRef;
import io.avstream.operators.speech.SileroVad;
import io.avstream.operators.speech.SpeakerTracking;
import io.avstream.operators.speech.Speakers;
import io.avstream.operators.speech.SpeechSegment;
import io.avstream.operators.speech.SpeechTranslator;
import io.avstream.schemas.Prediction;
import io.avstream.schemas.SampleEncoding;
import org.apache.flink.configuration.Configuration;

/**
 * The speech pipeline's predictions for a whole recording computed at once, outside Flink and Kafka: the same
 * down-mix, conversion to 16 kHz, voice activity and endpointing over all its samples, the speech model one segment at
 * a time, and the same speaker attribution against the given enrolled speakers; what a streaming run must equal
 * (interim predictions among them when the configuration asks for them).
 */
public final class OfflineSpeech {

    private OfflineSpeech() {}

    /** The stream's speech predictions in segment order (latency records are the job's own and not compared). */
    public static List<Prediction> predict(Configuration conf, String stream, long t0Us, int rate, int channels,
            SampleEncoding encoding, byte[] pcm, Map<String, float[]> enrolled) throws Exception {
        ModelPackage pkg = ModelRef.of(conf.get(SpeechOptions.MODEL)).load();
        SpeechTranslator translator = new SpeechTranslator(pkg, conf.get(SpeechOptions.CTC_DECODING));
        float[] mono = AudioDownmix.mono(ByteBuffer.wrap(pcm), channels, encoding);
        List<Prediction> out = new ArrayList<>();
        Speakers.Clusters clustering = new Speakers.Clusters(translator.model().verificationThreshold(),
                conf.get(SpeechOptions.MAX_ANONYMOUS_SPEAKERS));
        Speakers.Clusters.State clusters = new Speakers.Clusters.State();
        try (ModelHandle vadModel = SharedModels.acquire(ModelRef.of(conf.get(SpeechOptions.VAD_MODEL)).load(),
                SileroVad.runtimeOptions(64));
                ModelHandle speech = SharedModels.acquire(pkg, RuntimeOptions.defaults())) {
            List<SpeechSegment> segments = SpeechPipeline.vadStream(conf).offline(stream, t0Us, rate, mono,
                    new SileroVad(vadModel), s -> {});
            for (SpeechSegment s : segments) {
                InferenceResult r = speech.submitTensors(translator.request(s), Long.MAX_VALUE).get();
                out.add(SpeakerTracking.identify(translator.result(s, r), enrolled,
                        translator.model().verificationThreshold(), clustering, clusters));
            }
        }
        return out;
    }
}
