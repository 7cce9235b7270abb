package io.avstream.tools.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.avstream.models.ModelPackage;

/**
 * FLOPs per window of the model packages bench knows, from {@value #RESOURCE} (made by
 * {@code models/python/make_bench_models.py}, which runs each graph and counts its MatMul, Gemm,
 * Conv and Einsum nodes, 2 FLOPs per multiply-add; elementwise operators are not counted). A count
 * holds only for the exact {@code model.onnx} it was made from (same sha256).
 */
public final class ModelFlops {
    /** The class-path resource holding the counts. */
    public static final String RESOURCE = "avstream-bench/flops.json";

    private ModelFlops() {}

    /**
     * FLOPs per window of {@code pkg}, or empty where {@value #RESOURCE} has no count for its name and
     * {@code model.onnx} sha256.
     */
    public static Optional<Double> perWindow(ModelPackage pkg) {
        JsonNode entry = table().path("models").path(pkg.manifest().name());
        String sha = pkg.manifest().sha256().get(ModelPackage.ONNX_FILE);
        if (entry.isMissingNode() || !entry.path("modelOnnxSha256").asText("").equals(sha)) {
            return Optional.empty();
        }
        return Optional.of(entry.path("flopsPerWindow").asDouble());
    }

    /** The operators counted, as the table says. */
    public static String counted() {
        StringBuilder sb = new StringBuilder();
        table().path("counted").forEach(n -> sb.append(sb.length() == 0 ? "" : ", ").append(n.asText()));
        return sb.toString();
    }

    private static JsonNode table() {
        try (InputStream in = ModelFlops.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("no " + RESOURCE + " on the class path");
            }
            return new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
