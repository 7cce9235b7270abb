package io.avstream.operators.speech;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import io.avstream.models.InferenceResult;
import io.avstream.models.ModelPackage;
import io.avstream.models.Tensor;
import io.avstream.operators.inference.Translator;
import io.avstream.operators.inference.TranslatorFactory;
import io.avstream.operators.inference.TranslatorSettings;
import io.avstream.operators.post.Latencies;
import io.avstream.operators.post.PredictionIds;
import io.avstream.operators.post.Scores;
import io.avstream.schemas.Prediction;
import io.avstream.schemas.PredictionInputs;
import io.avstream.schemas.SpeechDetail;
import io.avstream.schemas.Word;

/**
 * Between a speech segment and the speech model: the model input (the segment's filterbank frames, normalised as the
 * model was trained; the runtime pads a batch to its longest segment and passes the lengths), and from the outputs the
 * segment's prediction: the transcript by CTC decoding of the segment's own CTC frames (restricted to the model's
 * vocabulary when its package names one, by default; greedy otherwise or when asked), each word's times from
 * the alignment, the emotions with their scores (softmax, highest first), and the speaker embedding for
 * {@link SpeakerTracking}. An interim segment (the speech so far) gives an interim prediction ({@code final} false, its
 * id that of a final prediction ending there plus {@code /interim}).
 */
public final class SpeechTranslator implements Translator<SpeechSegment, SpeechResult> {
    /** The task name written in predictions, and the manifest task it serves. */
    public static final String TASK = "speech";

    /** The translator option naming the CTC decoding: {@value #VOCABULARY} or {@value #GREEDY}. */
    public static final String DECODING = "ctc-decoding";
    /** Greedy decoding (argmax per frame), words as they come out. */
    public static final String GREEDY = "greedy";
    /** The best path through the model's vocabulary ({@link CtcDecoder#decodeVocabulary}); greedy without one. */
    public static final String VOCABULARY = "vocabulary";

    private final SpeechModel model;
    private final boolean vocabulary;

    /** A translator decoding with the model's vocabulary when its package names one. */
    public SpeechTranslator(ModelPackage pkg) {
        this(pkg, VOCABULARY);
    }

    /**
     * @param decoding {@value #VOCABULARY} (greedy when the package names no vocabulary) or {@value #GREEDY}
     */
    public SpeechTranslator(ModelPackage pkg, String decoding) {
        this.model = SpeechModel.of(pkg);
        checkDecoding(decoding);
        this.vocabulary = decoding.equals(VOCABULARY) && model.decoder().hasVocabulary();
    }

    /** @throws IllegalArgumentException unless {@code decoding} is {@value #VOCABULARY} or {@value #GREEDY} */
    public static void checkDecoding(String decoding) {
        if (!VOCABULARY.equals(decoding) && !GREEDY.equals(decoding)) {
            throw new IllegalArgumentException("CTC decoding must be " + VOCABULARY + " or " + GREEDY + ", was '" + decoding
                    + "'");
        }
    }

    /** The transcript of a segment's CTC scores ({@code frames} valid frames), as this translator decodes. */
    public CtcDecoder.Transcript transcript(float[] ctc, int frames) {
        return vocabulary ? model.decoder().decodeVocabulary(ctc, frames) : model.decoder().decode(ctc, frames);
    }

    public SpeechModel model() {
        return model;
    }

    @Override
    public Map<String, Tensor> request(SpeechSegment s) {
        float[] x = model.input(s.samples);
        return Map.of(SpeechModel.FBANK, Tensor.of(x, x.length / model.bins(), model.bins()));
    }

    @Override
    public SpeechResult result(SpeechSegment s, InferenceResult r) {
        int frames = SpeechModel.ctcFrames(model.frames(s.samples.length));
        CtcDecoder.Transcript t = transcript(r.output(SpeechModel.CTC), frames);
        long frameUs = model.ctcFrameUs();
        List<Word> words = new ArrayList<>();
        for (CtcDecoder.Word w : t.words()) {
            words.add(new Word(w.text(), s.startUs + w.firstFrame() * frameUs, s.startUs + w.endFrame() * frameUs));
        }
        float[] emotion = Scores.softmax(r.output(SpeechModel.EMOTION));
        float[] embedding = Arrays.copyOf(r.output(SpeechModel.EMBEDDING), model.embeddingSize());
        ByteBuffer bytes = ByteBuffer.allocate(embedding.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : embedding) {
            bytes.putFloat(v);
        }
        bytes.flip();
        SpeechResult out = new SpeechResult();
        out.prediction = Prediction.newBuilder()
                .setPredictionId(PredictionIds.of(s.streamId, TASK, s.endUs, model.name(), model.version())
                        + (s.interim ? "/interim" : ""))
                .setStreamId(s.streamId)
                .setTask(TASK)
                .setModelName(model.name())
                .setModelVersion(model.version())
                .setWindowStartUs(s.startUs)
                .setWindowEndUs(s.endUs)
                .setText(t.text())
                .setLabels(Scores.topLabels(emotion, model.emotions(), model.emotions().size()))
                .setEmbedding(bytes)
                .setSpeech(new SpeechDetail(!s.interim, s.speechStartUs, s.speechEndUs, words, null))
                .setLatency(Latencies.of(s.lastCaptureUs, s.lastKafkaUs, s.closedAtUs, r.inferenceStartMicros(),
                        r.inferenceEndMicros(), r.batchSize(), r.queueNanos() / 1000L))
                .setInputs(PredictionInputs.AUDIO_ONLY)
                .build();
        out.embedding = embedding;
        return out;
    }

    /** The translator of {@value #TASK} models, registered for {@link io.avstream.operators.inference.Translators}. */
    public static final class Factory implements TranslatorFactory<SpeechSegment, SpeechResult> {
        @Override
        public String task() {
            return TASK;
        }

        @Override
        public Class<SpeechSegment> windowType() {
            return SpeechSegment.class;
        }

        @Override
        public Class<SpeechResult> resultType() {
            return SpeechResult.class;
        }

        @Override
        public SpeechTranslator create(ModelPackage pkg, TranslatorSettings settings) {
            return new SpeechTranslator(pkg, settings.option(DECODING, VOCABULARY));
        }
    }
}
