package io.avstream.tools.bench;

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
        return new EngineCeiling.Point(batch, perSec, new double[] {perSec}, 1000.0 * batch / perSec, 1000.0 / perSec);
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

    private static PipelineBench.Run run(PipelineBench.Kind kind, double seconds, int batch, double cpuSeconds) {
        return new PipelineBench.Run(kind, 360, 360, seconds, seconds + 2, Map.of(batch, 360L), batch, batch, cpuSeconds,
                cpuSeconds + 3, 0.1, 0.2, Double.NaN);
    }

    @Test
    void ratiosSeparateTheBatchingBaselineFromTheAsyncBaseline() {
        BenchReport r = new BenchReport();
        r.ceiling = CEILING;
        r.pipeline = run(PipelineBench.Kind.PIPELINE, 10, 4, 19);
        r.maxBatchOne = run(PipelineBench.Kind.PIPELINE, 11.25, 1, 20);
        r.perRecord = run(PipelineBench.Kind.PER_RECORD, 12, 1, 22);
        Map<String, Double> ratios = r.ratios();
        assertThat(ratios.get("pipelineOverCeilingAtMeanBatch")).isCloseTo(36.0 / 40, within(1e-9));
        assertThat(ratios.get("pipelineOverCeilingAtBestBatch")).isCloseTo(36.0 / 40, within(1e-9));
        // what batching buys: the same job at max batch 1; next to it, the engine's own gain at batch 4
        assertThat(ratios.get("pipelineOverMaxBatchOne")).isCloseTo(36.0 / 32, within(1e-9));
        assertThat(ratios.get("engineGainAtPipelineBatch")).isCloseTo(40.0 / 30, within(1e-9));
        // what async I/O and the shared model buy, with and without batching
        assertThat(ratios.get("pipelineOverPerRecord")).isCloseTo(36.0 / 30, within(1e-9));
        assertThat(ratios.get("maxBatchOneOverPerRecord")).isCloseTo(32.0 / 30, within(1e-9));
        assertThat(ratios).doesNotContainKeys("pipelineOverPerRecordShareOfGain", "trivialWindowsPerSec");
    }

    @Test
    void theTrivialModelJobGivesTheJobsOwnThroughputAndCpuOutsideTheEngine() {
        BenchReport r = new BenchReport();
        // 360 windows in 0.3 s with 0.9 s of process CPU: 2.5 ms per window, 3 cores
        PipelineBench.Run slow = run(PipelineBench.Kind.PIPELINE, 0.6, 4, 1.2);
        PipelineBench.Run fast = run(PipelineBench.Kind.PIPELINE, 0.3, 4, 0.9);
        r.trivialRunList = List.of(slow, fast);
        r.trivial = Bench.bestRun(r.trivialRunList);
        // the trivial model's engine alone after each run: 0.2 and 0.1 ms CPU per window
        r.trivialCeilings = List.of(new EngineCeiling.Point(4, 9000, new double[] {9000}, 0.4, 0.2),
                new EngineCeiling.Point(4, 9500, new double[] {9500}, 0.4, 0.1));

        assertThat(r.trivial).isSameAs(fast);
        assertThat(fast.cpuMsPerWindow()).isCloseTo(2.5, within(1e-9));
        assertThat(fast.busyCores()).isCloseTo(3.0, within(1e-9));
        assertThat(r.trivialOutsideCpuMsPerWindow()).isCloseTo(2.4, within(1e-9));
        Map<String, Double> ratios = r.ratios();
        assertThat(ratios.get("trivialWindowsPerSec")).isCloseTo(1200, within(1e-9));
        assertThat(ratios.get("trivialOutsideEngineCpuMsPerWindow")).isCloseTo(2.4, within(1e-9));

        r.trivialCeilings = null;
        assertThat(r.trivialOutsideCpuMsPerWindow()).isNaN();
        assertThat(r.ratios()).doesNotContainKey("trivialOutsideEngineCpuMsPerWindow");
    }

    @Test
    void pipelineCpuOutsideTheEngineSubtractsThePairedCeilingsCpu() {
        BenchReport r = new BenchReport();
        PipelineBench.Run only = run(PipelineBench.Kind.PIPELINE, 10, 4, 18);
        r.pipelineRunList = List.of(only);
        r.pipeline = only;
        r.pairedCeilings = List.of(new EngineCeiling.Point(4, 40, new double[] {40}, 100, 45));
        assertThat(r.pipelineOutsideCpuMsPerWindow()).isCloseTo(50.0 - 45, within(1e-9));
        assertThat(r.ratios().get("pipelineOutsideEngineCpuMsPerWindow")).isCloseTo(5.0, within(1e-9));
    }

    @Test
    void gflopsAreWindowsPerSecondTimesTheModelsFlops() {
        BenchReport r = new BenchReport();
        assertThat(r.gflops(40)).isNaN();
        r.modelFlopsPerWindow = 1.8e9;
        assertThat(r.gflops(40)).isCloseTo(72.0, within(1e-9));
    }

    @Test
    void cpuBetweenTwoInstantsIsInterpolatedBetweenSamples() {
        // (epoch us, process CPU ns): 1 core busy from t = 0 to 1 s, 2 cores from 1 s to 2 s
        List<long[]> samples = List.of(new long[] {0, 0}, new long[] {1_000_000, 1_000_000_000L},
                new long[] {2_000_000, 3_000_000_000L});
        assertThat(ProcessCpu.between(samples, 500_000, 1_500_000)).isCloseTo(1.5, within(1e-9));
        assertThat(ProcessCpu.between(samples, 0, 2_000_000)).isCloseTo(3.0, within(1e-9));
        assertThat(ProcessCpu.between(samples, -1, 1_000_000)).isNaN();
        assertThat(ProcessCpu.between(samples, 0, 2_000_001)).isNaN();
        assertThat(ProcessCpu.nanos()).isPositive();
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
        PipelineBench.Run run = PipelineBench.summarise(PipelineBench.Kind.PIPELINE, predictions, 5, 4.0, null, 1.0, 0.5);
        assertThat(run.inferenceSeconds()).isCloseTo(2.0, within(1e-9));
        assertThat(run.windowsPerSec()).isCloseTo(2.5, within(1e-9));
        assertThat(run.windowsPerSecJob()).isCloseTo(1.25, within(1e-9));
        assertThat(run.meanBatchSize()).isCloseTo(5.0 / 3, within(1e-9));
        assertThat(run.meanPredictionBatch()).isCloseTo(9.0 / 5, within(1e-9));
        assertThat(run.batchSizes()).containsEntry(2, 4L).containsEntry(1, 1L);
        assertThat(run.cpuSeconds()).isNaN();
        assertThat(run.jobCpuSeconds()).isEqualTo(1.0);
    }

    @Test
    void machineLoadIsReadFromProc() {
        MachineLoad.Interval l = MachineLoad.now().since();
        assertThat(l.seconds()).isGreaterThanOrEqualTo(0);
    }

    @Test
    void aRunIsStillCompilingWhenTheJitTookMoreThanTheShareOfItsRuntime() {
        PipelineBench.Run settled = new PipelineBench.Run(PipelineBench.Kind.PIPELINE, 100, 100, 1.0, 10.0, Map.of(4, 100L),
                4, 4, 2.0, 20.0, 0.02, 0.4, 0.5);
        PipelineBench.Run compiling = new PipelineBench.Run(PipelineBench.Kind.PIPELINE, 100, 100, 1.0, 10.0,
                Map.of(4, 100L), 4, 4, 2.0, 20.0, 0.3, 1.5, Double.NaN);
        assertThat(settled.stillCompiling(Bench.SETTLED_COMPILE_SHARE)).isFalse();
        assertThat(compiling.stillCompiling(Bench.SETTLED_COMPILE_SHARE)).isTrue();
        assertThat(settled.compileMsPerWindow()).isCloseTo(0.2, within(1e-9));
        assertThat(settled.brokerCpuMsPerWindow()).isCloseTo(5.0, within(1e-9));
        assertThat(compiling.brokerCpuMsPerWindow()).isNaN();
    }

    @Test
    void processSamplesGiveTheCompileAndBrokerTimeOfAnInterval() {
        // {time us, process CPU ns, JIT ns, broker CPU ns}
        List<long[]> samples = List.of(new long[] {0, 0, 0, 0}, new long[] {1_000_000, 2_000_000_000L, 500_000_000L,
            1_000_000_000L});
        assertThat(ProcessCpu.between(samples, 0, 1_000_000)).isCloseTo(2.0, within(1e-9));
        assertThat(ProcessCpu.between(samples, ProcessCpu.COMPILE, 0, 500_000)).isCloseTo(0.25, within(1e-9));
        assertThat(ProcessCpu.between(samples, ProcessCpu.BROKER, 500_000, 1_000_000)).isCloseTo(0.5, within(1e-9));
        // an in-process broker: no broker samples (-1), so no broker time
        List<long[]> inProcess = List.of(new long[] {0, 0, 0, -1}, new long[] {1_000_000, 1, 1, -1});
        assertThat(ProcessCpu.between(inProcess, ProcessCpu.BROKER, 0, 1_000_000)).isNaN();
    }

    @Test
    void thePairedCeilingIsTheMeanOfTheCeilingsBeforeAndAfterARun() {
        EngineCeiling.Point before = new EngineCeiling.Point(4, 30.0, new double[] {29, 30, 31}, 133.0, 60.0);
        EngineCeiling.Point after = new EngineCeiling.Point(4, 36.0, new double[] {35, 36}, 111.0, 50.0);
        EngineCeiling.Point pair = EngineCeiling.meanOf(before, after);
        assertThat(pair.batchSize()).isEqualTo(4);
        assertThat(pair.windowsPerSec()).isCloseTo(33.0, within(1e-9));
        assertThat(pair.msPerBatch()).isCloseTo(122.0, within(1e-9));
        assertThat(pair.cpuMsPerWindow()).isCloseTo(55.0, within(1e-9));
        assertThat(pair.repetitions()).containsExactly(29, 30, 31, 35, 36);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> EngineCeiling.meanOf(before,
                new EngineCeiling.Point(2, 1, new double[0], 1, 1))).hasMessageContaining("batch sizes differ");
    }
}
