/** The local stack for demo and tests: an in-process single-node Kafka broker. */
package io.avstream.deploy.local;
