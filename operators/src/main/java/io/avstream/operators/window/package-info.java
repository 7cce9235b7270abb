/** Per-stream event-time windowers kept in Flink keyed state. */
package io.avstream.operators.window;
