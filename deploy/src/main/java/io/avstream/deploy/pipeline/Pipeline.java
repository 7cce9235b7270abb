package io.avstream.deploy.pipeline;

import io.avstream.schemas.DeadLetter;
import io.avstream.schemas.Prediction;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * One pipeline of the job: its input topic(s), windowing, model package and prediction topic, with its
 * options under its own prefix ({@code avstream.<name>.*}). The job ({@code AvstreamJob}) runs the
 * pipelines named in {@code avstream.pipelines}, sinks each one's predictions and all their dead letters
 * (one sink). A pipeline is registered in {@code META-INF/services/io.avstream.deploy.pipeline.Pipeline}.
 */
public interface Pipeline {
    /** The name in {@code avstream.pipelines}, e.g. {@code action}. */
    String name();

    /** The class whose public static {@code ConfigOption} fields are this pipeline's options. */
    Class<?> optionsClass();

    /** The pipeline's sources and prediction sink on Kafka, from the configuration. */
    PipelineIo kafkaIo(Configuration conf, KafkaIo kafka);

    /**
     * Lays out the pipeline from its sources to its predictions (not yet sunk).
     *
     * @param io what {@link #kafkaIo} made, or a test's own sources and sink of the same type
     */
    Outputs build(StreamExecutionEnvironment env, Configuration conf, PipelineIo io);

    /** The uid of an operator of this pipeline: the pipeline's name before it, so pipelines never share one. */
    default String uid(String operator) {
        return name() + "-" + operator;
    }

    /** A pipeline's streams: its predictions and its dead letters. */
    record Outputs(DataStream<Prediction> predictions, DataStream<DeadLetter> deadLetters) {}
}
