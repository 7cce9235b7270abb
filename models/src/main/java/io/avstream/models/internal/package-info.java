/**
 * Implementation of the model runtime: manifest and ONNX graph validation, engine probes, DJL model
 * loading, the per-thread predictor runner and the dynamic batcher. Not public API: use
 * {@code io.avstream.models} instead.
 */
package io.avstream.models.internal;
