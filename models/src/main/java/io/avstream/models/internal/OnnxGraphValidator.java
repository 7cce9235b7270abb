package io.avstream.models.internal;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.avstream.models.ModelManifest;
import io.avstream.models.TensorSpec;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Compares an ONNX graph's inputs and outputs (read with ONNX Runtime) with a manifest. */
public final class OnnxGraphValidator {
    private OnnxGraphValidator() {
    }

    /**
     * Returns the first disagreement between the graph in {@code onnxFile} and the manifest, or
     * empty when they agree.
     *
     * @throws OrtException if ONNX Runtime cannot read the file
     */
    public static Optional<String> firstMismatch(Path onnxFile, ModelManifest manifest) throws OrtException {
        try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
            so.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.NO_OPT);
            so.setIntraOpNumThreads(1);
            so.setInterOpNumThreads(1);
            try (OrtSession session = OrtEnv.get().createSession(onnxFile.toString(), so)) {
                Optional<String> m = compare("input", manifest.inputs(), session.getInputInfo());
                return m.isPresent() ? m : compare("output", manifest.outputs(), session.getOutputInfo());
            }
        }
    }

    private static Optional<String> compare(String kind, List<TensorSpec> specs, Map<String, NodeInfo> graph) {
        for (TensorSpec spec : specs) {
            if (!graph.containsKey(spec.name())) {
                return Optional.of("model.json declares " + kind + " '" + spec.name()
                        + "' but the ONNX graph has no such " + kind + " (graph " + kind + "s: "
                        + graph.keySet() + ")");
            }
        }
        for (String name : graph.keySet()) {
            if (specs.stream().noneMatch(s -> s.name().equals(name))) {
                return Optional.of("the ONNX graph has " + kind + " '" + name
                        + "' that model.json does not declare");
            }
        }
        for (TensorSpec spec : specs) {
            if (!(graph.get(spec.name()).getInfo() instanceof TensorInfo)) {
                return Optional.of(kind + " '" + spec.name() + "' is not a tensor in the ONNX graph");
            }
            TensorInfo info = (TensorInfo) graph.get(spec.name()).getInfo();
            String graphType = dtypeName(info.type);
            if (!graphType.equals(spec.dtype())) {
                return Optional.of(kind + " '" + spec.name() + "' element type: model.json says "
                        + spec.dtype() + ", the ONNX graph has " + graphType);
            }
            long[] g = info.getShape();
            long[] m = spec.shape();
            if (g.length != m.length) {
                return Optional.of(kind + " '" + spec.name() + "' rank: model.json says " + m.length + " "
                        + Arrays.toString(m) + ", the ONNX graph has " + g.length + " " + Arrays.toString(g));
            }
            for (int d = 0; d < m.length; d++) {
                boolean graphDynamic = g[d] < 0;
                if (m[d] == TensorSpec.DYNAMIC && !graphDynamic) {
                    return Optional.of(kind + " '" + spec.name() + "' dimension " + d
                            + ": model.json says -1 (dynamic), the ONNX graph has fixed " + g[d]
                            + (d == 0 ? " (export with dynamic_axes on the batch axis)" : ""));
                }
                if (m[d] != TensorSpec.DYNAMIC && !graphDynamic && m[d] != g[d]) {
                    return Optional.of(kind + " '" + spec.name() + "' dimension " + d + ": model.json says "
                            + m[d] + ", the ONNX graph has " + g[d]);
                }
            }
        }
        return Optional.empty();
    }

    /** The manifest name of an ONNX Runtime element type. */
    static String dtypeName(OnnxJavaType type) {
        switch (type) {
            case FLOAT: return "float32";
            case FLOAT16: return "float16";
            case DOUBLE: return "float64";
            case INT64: return "int64";
            case INT32: return "int32";
            case INT8: return "int8";
            case UINT8: return "uint8";
            case BOOL: return "bool";
            default: return type.name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
