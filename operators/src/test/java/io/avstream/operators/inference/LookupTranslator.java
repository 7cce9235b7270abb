package io.avstream.operators.inference;

import java.util.List;
import java.util.Map;

import io.avstream.models.InferenceResult;
import io.avstream.models.ModelPackage;
import io.avstream.models.Tensor;
import io.avstream.operators.post.Scores;
import io.avstream.schemas.LatencyRecord;
import io.avstream.schemas.Prediction;

/** The translator of the tiny-lookup test model (task {@code test-lookup}): the index in, the row's scores out. */
final class LookupTranslator implements Translator<LookupWindow, Prediction> {
    private final ModelPackage pkg;
    private final int topK;

    LookupTranslator(ModelPackage pkg, int topK) {
        this.pkg = pkg;
        this.topK = topK;
    }

    @Override
    public Map<String, Tensor> request(LookupWindow w) {
        return Map.of("idx", Tensor.ofLongs(new long[] {w.index}, 1));
    }

    @Override
    public Prediction result(LookupWindow w, InferenceResult r) {
        if (w.failPrediction) {
            throw new IllegalStateException("cannot translate " + w);
        }
        float[] scores = r.output("scores");
        return Prediction.newBuilder()
                .setPredictionId(w.streamId + "/test-lookup/" + w.endUs)
                .setStreamId(w.streamId).setTask("test-lookup")
                .setModelName(pkg.manifest().name()).setModelVersion(pkg.manifest().version())
                .setWindowStartUs(w.endUs - 1).setWindowEndUs(w.endUs)
                .setLabels(Scores.topLabels(scores, pkg.labels(), topK))
                .setLatency(LatencyRecord.newBuilder().setCaptureTimeUs(0).setKafkaAppendTimeUs(0).setWindowCloseUs(0)
                        .setInferenceStartUs(r.inferenceStartMicros()).setInferenceEndUs(r.inferenceEndMicros())
                        .setBatchSize(r.batchSize()).setQueueTimeUs(r.queueNanos() / 1000).setEmitTimeUs(0).build())
                .build();
    }

    /** Registered in the test resources' META-INF/services. */
    public static final class Factory implements TranslatorFactory<LookupWindow, Prediction> {
        @Override
        public String task() {
            return "test-lookup";
        }

        @Override
        public Class<LookupWindow> windowType() {
            return LookupWindow.class;
        }

        @Override
        public Class<Prediction> resultType() {
            return Prediction.class;
        }

        @Override
        public Translator<LookupWindow, Prediction> create(ModelPackage pkg, TranslatorSettings settings) {
            return new LookupTranslator(pkg, settings.topK());
        }
    }

    static List<Float> row(long index) {
        return List.of((float) index, index + 0.1f, index + 0.2f);
    }
}
