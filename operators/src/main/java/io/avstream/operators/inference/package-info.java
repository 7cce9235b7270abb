/** Batched model inference from Flink through async I/O, and the preprocessing a model package asks for. */
package io.avstream.operators.inference;
