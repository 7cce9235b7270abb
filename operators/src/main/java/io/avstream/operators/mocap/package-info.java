/**
 * MoCap mesh preprocessing for the STMT action models, in plain Java (no Flink, no inference
 * engine): farthest point sampling, geodesic distances on a template mesh, frame selection and
 * per-clip normalisation, gathered in {@link io.avstream.operators.mocap.StmtPreprocessor}.
 */
package io.avstream.operators.mocap;
