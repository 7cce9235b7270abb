package io.avstream.deploy.pipeline;

import io.avstream.schemas.Prediction;
import org.apache.flink.api.connector.sink2.Sink;

/** A pipeline's sources and prediction sink; each pipeline has its own implementation with its sources. */
public interface PipelineIo {
    /** Where the pipeline's predictions go. */
    Sink<Prediction> predictionSink();
}
