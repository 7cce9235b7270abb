/**
 * Model packages and the inference runtime: loading and validating ONNX model packages
 * ({@link io.avstream.models.ModelPackage}), choosing an engine ({@link io.avstream.models.Engine}),
 * shared, reference-counted model instances fed by a dynamic batcher
 * ({@link io.avstream.models.SharedModels}, {@link io.avstream.models.ModelHandle}) and a
 * synchronous per-thread session for benchmarks ({@link io.avstream.models.EngineSession}).
 *
 * <p>Typical use:
 *
 * <pre>{@code
 * ModelPackage pkg = ModelPackage.fromClasspath("stmt-small");
 * RuntimeOptions opts = RuntimeOptions.builder().optEngine(Engine.ORT_CPU).optMaxBatch(16).build();
 * try (ModelHandle model = SharedModels.acquire(pkg, opts)) {
 *     InferenceResult r = model.submit(Map.of("points", points, "geodist", geodist), Long.MAX_VALUE).join();
 *     float[] logits = r.outputs().get("logits");
 * }
 * }</pre>
 *
 * <p>This package has no Flink dependency; everything under {@code internal} is not public API.
 */
package io.avstream.models;
