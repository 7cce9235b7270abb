/** Post-processing of model outputs (softmax, sigmoid, top-k); plain code, no engine, no Flink. */
package io.avstream.operators.post;
