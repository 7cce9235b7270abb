/** The action pipeline: MoCap frames from Kafka, per-stream windows, STMT, action predictions; its options ({@code avstream.action.*}). */
package io.avstream.deploy.action;
