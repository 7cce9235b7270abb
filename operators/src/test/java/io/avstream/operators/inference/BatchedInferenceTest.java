package io.avstream.operators.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.avstream.models.InferenceException;
import io.avstream.models.ModelPackage;
import io.avstream.models.RuntimeOptions;
import io.avstream.operators.window.MocapWindow;
import io.avstream.schemas.Label;
import io.avstream.schemas.Prediction;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.AsyncDataStream;
import org.apache.flink.streaming.api.operators.async.AsyncWaitOperatorFactory;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.util.ExceptionUtils;
import org.junit.jupiter.api.Test;

/**
 * The one inference function in Flink's async operator harness, on a real ONNX model (tiny-lookup, int64
 * input) through the shared batcher: success, shed by deadline, engine failure, a translator that throws,
 * async timeout; and the translator picked from the manifest's task.
 */
class BatchedInferenceTest {
    private static final ModelRef LOOKUP = ModelRef.of("classpath:tiny-lookup");

    private static OneInputStreamOperatorTestHarness<LookupWindow, Prediction> harness(BatchedInference<LookupWindow, Prediction> fn,
            long asyncTimeoutMs) throws Exception {
        AsyncWaitOperatorFactory<LookupWindow, Prediction> factory = new AsyncWaitOperatorFactory<>(fn, asyncTimeoutMs, 16,
                AsyncDataStream.OutputMode.UNORDERED);
        var h = new OneInputStreamOperatorTestHarness<>(factory,
                TypeInformation.of(LookupWindow.class).createSerializer(new SerializerConfigImpl()));
        // a failed window fails the task: the mock environment records it instead of refusing it
        h.getEnvironment().setExpectedExternalFailureCause(Throwable.class);
        h.open();
        return h;
    }

    private static BatchedInference<LookupWindow, Prediction> inference(long budgetMs, RuntimeOptions opts) {
        return new BatchedInference<>(LOOKUP, opts, LookupWindow.class, Prediction.class, budgetMs, new TranslatorSettings(2));
    }

    @Test
    void predictsEveryWindowThroughTheSharedBatcher() throws Exception {
        BatchedInference<LookupWindow, Prediction> fn = inference(60_000, RuntimeOptions.builder().optMaxBatch(4)
                .optMaxDelay(Duration.ofMillis(50)).build());
        var h = harness(fn, 60_000);
        for (int i = 0; i < 6; i++) {
            h.processElement(new StreamRecord<>(new LookupWindow("s", 1000 + i, i, false), i));
        }
        h.endInput();
        List<Prediction> out = List.copyOf(h.extractOutputValues());
        h.close();
        assertThat(out).hasSize(6);
        for (Prediction p : out) {
            long i = p.getWindowEndUs() - 1000;
            Label top = p.getLabels().get(0);
            assertThat(top.getName()).isEqualTo("c");
            assertThat(top.getScore()).isCloseTo(i + 0.2f, within(1e-6f));
            assertThat(p.getLatency().getBatchSize()).isBetween(1, 4);
        }
        assertThat(fn.shedCount()).isZero();
        assertThat(fn.failedCount()).isZero();
    }

    @Test
    void windowsTheRoutePicksGoToTheFallbackModelInTheSameOperator() throws Exception {
        BatchedInference<LookupWindow, Prediction> fn = inference(60_000, RuntimeOptions.defaults())
                .withFallback(LOOKUP, w -> w.endUs % 2 == 0);
        var h = harness(fn, 60_000);
        for (int i = 0; i < 6; i++) {
            h.processElement(new StreamRecord<>(new LookupWindow("s", 1000 + i, i, false), i));
        }
        h.endInput();
        List<Prediction> out = List.copyOf(h.extractOutputValues());
        h.close();
        assertThat(out).hasSize(6);
        assertThat(fn.fallbackCount()).isEqualTo(3);
        assertThat(fn.failedCount()).isZero();
    }

    @Test
    void shedsWindowsThatMissTheirDeadline() throws Exception {
        BatchedInference<LookupWindow, Prediction> fn = inference(0, RuntimeOptions.defaults());
        var h = harness(fn, 60_000);
        for (int i = 0; i < 3; i++) {
            h.processElement(new StreamRecord<>(new LookupWindow("s", 1000 + i, i, false), i));
        }
        h.endInput();
        assertThat(h.extractOutputValues()).isEmpty();
        h.close();
        assertThat(fn.shedCount()).isEqualTo(3);
        assertThat(fn.failedCount()).isZero();
    }

    @Test
    void anEngineFailureFailsTheWindowAndTheJob() throws Exception {
        BatchedInference<LookupWindow, Prediction> fn = inference(60_000, RuntimeOptions.defaults());
        var h = harness(fn, 600_000);
        h.processElement(new StreamRecord<>(new LookupWindow("s", 1000, 99, false), 0));
        Throwable failure = failureOf(h);
        assertThat(ExceptionUtils.findThrowable(failure, InferenceException.class)).isPresent();
        assertThat(fn.failedCount()).isEqualTo(1);
    }

    @Test
    void aTranslatorThatThrowsFailsAtOnceInsteadOfWaitingForTheTimeout() throws Exception {
        BatchedInference<LookupWindow, Prediction> fn = inference(60_000, RuntimeOptions.defaults());
        var h = harness(fn, 600_000); // ten minutes: a hang would end the test run, not pass it
        h.processElement(new StreamRecord<>(new LookupWindow("s", 1000, 1, true), 0));
        Throwable failure = failureOf(h);
        assertThat(ExceptionUtils.findThrowableWithMessage(failure, "cannot build the prediction of LookupWindow")).isPresent();
        assertThat(fn.failedCount()).isEqualTo(1);
    }

    @Test
    void theAsyncTimeoutFailsTheWindow() throws Exception {
        // one request waits up to 10 s for a batch of 8 to fill; the operator's timeout is 1 ms of processing time
        BatchedInference<LookupWindow, Prediction> fn = inference(60_000, RuntimeOptions.builder().optMaxBatch(8)
                .optMaxDelay(Duration.ofSeconds(10)).build());
        var h = harness(fn, 1);
        h.processElement(new StreamRecord<>(new LookupWindow("s", 1000, 1, false), 0));
        h.setProcessingTime(h.getProcessingTime() + 10);
        Throwable failure = failureOf(h);
        assertThat(ExceptionUtils.findThrowable(failure, TimeoutException.class)).isPresent();
        assertThat(fn.failedCount()).isEqualTo(1);
    }

    @Test
    void picksTheTranslatorFromTheManifestTask() {
        ModelPackage pkg = LOOKUP.load();
        assertThat(Translators.forPackage(pkg, LookupWindow.class, Prediction.class, new TranslatorSettings(1))).isInstanceOf(LookupTranslator.class);
        assertThatThrownBy(() -> Translators.forPackage(pkg, MocapWindow.class, Prediction.class, new TranslatorSettings(1)))
                .hasMessage("model tiny-lookup:0.1.0 is for task 'test-lookup', whose windows are LookupWindow (results"
                        + " Prediction), but this pipeline's windows are MocapWindow (results Prediction): it belongs to"
                        + " another pipeline");
        assertThatThrownBy(() -> Translators.forPackage(pkg, LookupWindow.class, String.class, new TranslatorSettings(1)))
                .hasMessageContaining("(results String)").hasMessageContaining("belongs to another pipeline");
    }

    /**
     * The failure the async operator reported for the job (it hands it to the task's environment, which
     * fails the task; the failed window stays in flight, so the harness is not ended).
     */
    private static Throwable failureOf(OneInputStreamOperatorTestHarness<LookupWindow, Prediction> h) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            Optional<? extends Throwable> external = h.getEnvironment().getActualExternalFailureCause();
            if (external.isPresent()) {
                h.close(); // releases the shared model (the failed window is not waited for)
                return external.get();
            }
            Thread.sleep(10);
        }
        throw new AssertionError("the async operator reported no failure within 60 s");
    }
}
