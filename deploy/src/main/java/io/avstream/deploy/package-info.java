/** The avstream job: its options, configuration and the wiring of sources, operators and sinks. */
package io.avstream.deploy;
