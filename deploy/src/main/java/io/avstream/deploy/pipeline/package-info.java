/** What a pipeline of the job is (its input, windows, model and predictions), its Kafka IO, and the registry of pipelines. */
package io.avstream.deploy.pipeline;
