package io.avstream.sinks;

import io.avstream.schemas.EpochMicros;
import io.avstream.schemas.LatencyRecord;
import io.avstream.schemas.Prediction;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MeterView;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;

/**
 * The last step before the prediction sink: stamps each prediction's emit time and records its
 * latency in Flink's metric system (group {@code avstream}): histograms {@code endToEndLatencyMs}
 * (capture to emit), {@code pipelineLatencyMs} (Kafka append to window close), {@code queueTimeMs},
 * {@code inferenceTimeMs}, {@code batchSize}; meter {@code predictionsPerSecond}.
 */
public class LatencyMetrics extends RichMapFunction<Prediction, Prediction> {
    private static final long serialVersionUID = 1L;
    private static final int WINDOW = 2048;

    private transient Histogram endToEnd;
    private transient Histogram pipeline;
    private transient Histogram queue;
    private transient Histogram inference;
    private transient Histogram batchSize;
    private transient Counter predictions;

    @Override
    public void open(OpenContext ctx) {
        MetricGroup g = getRuntimeContext().getMetricGroup().addGroup("avstream");
        endToEnd = g.histogram("endToEndLatencyMs", new DescriptiveStatisticsHistogram(WINDOW));
        pipeline = g.histogram("pipelineLatencyMs", new DescriptiveStatisticsHistogram(WINDOW));
        queue = g.histogram("queueTimeMs", new DescriptiveStatisticsHistogram(WINDOW));
        inference = g.histogram("inferenceTimeMs", new DescriptiveStatisticsHistogram(WINDOW));
        batchSize = g.histogram("batchSize", new DescriptiveStatisticsHistogram(WINDOW));
        predictions = g.counter("predictions");
        g.meter("predictionsPerSecond", new MeterView(predictions));
    }

    @Override
    public Prediction map(Prediction p) {
        long now = EpochMicros.now();
        LatencyRecord l = p.getLatency();
        l.setEmitTimeUs(now);
        endToEnd.update((now - l.getCaptureTimeUs()) / 1000L);
        pipeline.update((l.getWindowCloseUs() - l.getKafkaAppendTimeUs()) / 1000L);
        queue.update(l.getQueueTimeUs() / 1000L);
        inference.update((l.getInferenceEndUs() - l.getInferenceStartUs()) / 1000L);
        batchSize.update(l.getBatchSize());
        predictions.inc();
        return p;
    }
}
