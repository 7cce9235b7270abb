/**
 * The {@code bench} command's measurements: the engine's ceiling on prepared batches
 * ({@link io.avstream.tools.bench.EngineCeiling}), the full job and a per-record baseline through
 * the in-process broker and a MiniCluster ({@link io.avstream.tools.bench.PipelineBench},
 * {@link io.avstream.tools.bench.PerRecordInference}), the windower's keyed state per stream
 * ({@link io.avstream.tools.bench.StateFootprint}), and the report with its ratios
 * ({@link io.avstream.tools.bench.BenchReport}). How to run it and the numbers measured are in
 * {@code docs/performance.md}.
 */
package io.avstream.tools.bench;
