package io.avstream.models;

import io.avstream.models.internal.EngineProbe;
import java.util.Arrays;
import java.util.stream.Collectors;

/** The inference engine a model runs on, chosen by configuration; ONNX Runtime on CPU is the default. */
public enum Engine {
    /** ONNX Runtime on CPU (artifact {@code com.microsoft.onnxruntime:onnxruntime}); the default. */
    ORT_CPU("onnxruntime-cpu"),
    /** ONNX Runtime with the CUDA execution provider ({@code onnxruntime_gpu}, CUDA 12, cuDNN 9). */
    ORT_CUDA("onnxruntime-cuda"),
    /** ONNX Runtime with the TensorRT execution provider ({@code onnxruntime_gpu}, CUDA 12, cuDNN 9, TensorRT 10). */
    ORT_TENSORRT("onnxruntime-tensorrt"),
    /** DJL's TensorRT engine ({@code ai.djl.tensorrt:tensorrt} 0.33.0, TensorRT 8.x); fixed shapes, batches padded. */
    DJL_TENSORRT("djl-tensorrt");

    private final String id;

    Engine(String id) {
        this.id = id;
    }

    /** The configuration name, e.g. {@code onnxruntime-cpu}. */
    public String id() {
        return id;
    }

    /** Whether the engine runs on a GPU. */
    public boolean isGpu() {
        return this != ORT_CPU;
    }

    /** The default engine, {@link #ORT_CPU}. */
    public static Engine defaultEngine() {
        return ORT_CPU;
    }

    /**
     * Parses a configuration name ({@code onnxruntime-cpu}) or constant name ({@code ORT_CPU}),
     * case-insensitive.
     *
     * @throws IllegalArgumentException naming the known engines
     */
    public static Engine parse(String name) {
        if (name != null) {
            String n = name.trim();
            for (Engine e : values()) {
                if (e.id.equalsIgnoreCase(n) || e.name().equalsIgnoreCase(n)) {
                    return e;
                }
            }
        }
        throw new IllegalArgumentException("unknown engine '" + name + "' (known: "
                + Arrays.stream(values()).map(Engine::id).collect(Collectors.joining(", ")) + ")");
    }

    /**
     * Checks that this engine can run here (its library, native code and execution provider load).
     * The result is cached per JVM.
     *
     * @throws EngineUnavailableException naming the engine and exactly what is missing
     */
    public void checkAvailable() {
        EngineProbe.check(this);
    }

    /** Whether {@link #checkAvailable()} would succeed. */
    public boolean isAvailable() {
        try {
            checkAvailable();
            return true;
        } catch (EngineUnavailableException e) {
            return false;
        }
    }

    @Override
    public String toString() {
        return id;
    }
}
