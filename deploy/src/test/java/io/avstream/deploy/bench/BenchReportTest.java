package io.avstream.deploy.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.avstream.schemas.LatencyRecord;
import io.avstream.schemas.Prediction;
import org.junit.jupiter.api.Test;

class BenchReportTest {

    private static EngineCeiling.Point point(int batch, double perSec) {
        return new EngineCeiling.Point(batch, perSec, new double[] {perSec}, 1000.0 * batch / perSec);
    }

    private static final List<EngineCeiling.Point> CEILING = List.of(point(1, 30), point(2, 32), point(4, 40), point(8, 36));

    @Test
    void interpolatesTheCeilingBetweenMeasuredBatchSizes() {
        assertThat(BenchReport.interpolate(CEILING, 1)).isEqualTo(30);
        assertThat(BenchReport.interpolate(CEILING, 3)).isCloseTo(36, within(1e-9));
        assertThat(BenchReport.interpolate(CEILING, 6)).isCloseTo(38, within(1e-9));
        assertThat(BenchReport.interpolate(CEILING, 0.5)).isEqualTo(30);
        assertThat(BenchReport.interpolate(CEILING, 64)).isEqualTo(36);
    }

    @Test
    void batchingGainIsBestOverBatchOne() {
        assertThat(BenchReport.best(CEILING).batchSize()).isEqualTo(4);
        assertThat(BenchReport.batchingGain(CEILING)).isCloseTo(40.0 / 30, within(1e-9));
    }

    @Test
    void ratiosCompareThePipelineAtItsMeanBatchAndWithTheBaseline() {
        BenchReport r = new BenchReport();
        r.ceiling = CEILING;
        r.pipeline = new PipelineBench.Run(PipelineBench.Kind.PIPELINE, 360, 360, 10, 12, Map.of(4, 360L), 4, 4);
        r.perRecord = new PipelineBench.Run(PipelineBench.Kind.PER_RECORD, 360, 360, 12, 14, Map.of(1, 360L), 1, 1);
        Map<String, Double> ratios = r.ratios();
        assertThat(ratios.get("pipelineOverCeilingAtMeanBatch")).isCloseTo(36.0 / 40, within(1e-9));
        assertThat(ratios.get("pipelineOverCeilingAtBestBatch")).isCloseTo(36.0 / 40, within(1e-9));
        assertThat(ratios.get("pipelineOverPerRecord")).isCloseTo(36.0 / 30, within(1e-9));
        assertThat(ratios.get("pipelineOverPerRecordShareOfGain")).isCloseTo(36.0 / 30 / (40.0 / 30), within(1e-9));
    }

    @Test
    void pairsEachPipelineRunWithTheCeilingMeasuredRightAfterIt() {
        BenchReport r = new BenchReport();
        r.pipelineRuns = new double[] {30, 36, 33};
        r.pairedCeilingRuns = new double[] {40, 36, 44};

        assertThat(r.pairedRatios()).containsExactly(0.75, 1.0, 0.75);
        assertThat(r.ratios().get("pipelineOverPairedCeiling")).isEqualTo(0.75);
        assertThat(BenchReport.median(new double[] {4, 1, 3, 2})).isEqualTo(2.5);
        r.pairedCeilingRuns = new double[] {40};
        assertThat(r.ratios()).doesNotContainKey("pipelineOverPairedCeiling");
    }

    @Test
    void summarisesARunFromItsPredictionsLatencyRecords() {
        List<Prediction> predictions = new ArrayList<>();
        // two batches of 2 and one of 1, inference from t = 1 s to t = 3 s
        long[][] startEndBatch = {{1_000_000, 1_500_000, 2}, {1_000_000, 1_500_000, 2}, {1_500_000, 2_000_000, 2},
            {1_500_000, 2_000_000, 2}, {2_500_000, 3_000_000, 1}};
        int i = 0;
        for (long[] l : startEndBatch) {
            predictions.add(Prediction.newBuilder().setPredictionId("p" + i).setStreamId("s" + i++).setTask("action")
                    .setModelName("m").setModelVersion("1").setWindowStartUs(0).setWindowEndUs(1).setLabels(List.of())
                    .setLatency(LatencyRecord.newBuilder().setCaptureTimeUs(0).setKafkaAppendTimeUs(0).setWindowCloseUs(0)
                            .setInferenceStartUs(l[0]).setInferenceEndUs(l[1]).setBatchSize((int) l[2])
                            .setQueueTimeUs(0).setEmitTimeUs(0).build())
                    .build());
        }
        PipelineBench.Run run = PipelineBench.summarise(PipelineBench.Kind.PIPELINE, predictions, 5, 4.0);
        assertThat(run.inferenceSeconds()).isCloseTo(2.0, within(1e-9));
        assertThat(run.windowsPerSec()).isCloseTo(2.5, within(1e-9));
        assertThat(run.windowsPerSecJob()).isCloseTo(1.25, within(1e-9));
        assertThat(run.meanBatchSize()).isCloseTo(5.0 / 3, within(1e-9));
        assertThat(run.meanPredictionBatch()).isCloseTo(9.0 / 5, within(1e-9));
        assertThat(run.batchSizes()).containsEntry(2, 4L).containsEntry(1, 1L);
    }

    @Test
    void machineLoadIsReadFromProc() {
        MachineLoad.Interval l = MachineLoad.now().since();
        assertThat(l.seconds()).isGreaterThanOrEqualTo(0);
    }
}
