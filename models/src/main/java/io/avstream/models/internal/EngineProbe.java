package io.avstream.models.internal;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import io.avstream.models.Engine;
import io.avstream.models.EngineUnavailableException;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Start-up checks that an {@link Engine} is present; one result per engine per JVM. */
public final class EngineProbe {
    /** The artifact that carries ONNX Runtime's CUDA and TensorRT execution providers. */
    public static final String ORT_GPU_ARTIFACT = "com.microsoft.onnxruntime:onnxruntime_gpu:1.21.0";
    /** The class whose presence means DJL's TensorRT engine is on the class path. */
    public static final String TRT_ENGINE_CLASS = "ai.djl.tensorrt.engine.TrtEngine";

    private static final Map<Engine, Optional<EngineUnavailableException>> RESULTS = new ConcurrentHashMap<>();

    private EngineProbe() {
    }

    /** Throws {@link EngineUnavailableException} if {@code engine} cannot run here. */
    public static void check(Engine engine) {
        Optional<EngineUnavailableException> failure = RESULTS.computeIfAbsent(engine, EngineProbe::probeOnce);
        if (failure.isPresent()) {
            EngineUnavailableException f = failure.get();
            throw new EngineUnavailableException(engine, f.whatIsMissing(), f.getCause());
        }
    }

    private static Optional<EngineUnavailableException> probeOnce(Engine engine) {
        try {
            probe(engine);
            return Optional.empty();
        } catch (EngineUnavailableException e) {
            return Optional.of(e);
        }
    }

    private static void probe(Engine engine) {
        switch (engine) {
            case ORT_CPU:
                probeOrtCpu();
                break;
            case ORT_CUDA:
                probeOrtProvider(engine, OrtProvider.CUDA, "CUDA", "CUDA 12 and cuDNN 9");
                break;
            case ORT_TENSORRT:
                probeOrtProvider(engine, OrtProvider.CUDA, "CUDA", "CUDA 12 and cuDNN 9");
                probeOrtProvider(engine, OrtProvider.TENSOR_RT, "TensorRT", "CUDA 12, cuDNN 9 and TensorRT 10");
                break;
            case DJL_TENSORRT:
                probeDjlTensorRt();
                break;
            default:
                throw new IllegalStateException("no probe for " + engine);
        }
    }

    private static void probeOrtCpu() {
        try {
            OrtEnv.get();
        } catch (Throwable t) {
            throw new EngineUnavailableException(Engine.ORT_CPU, "ONNX Runtime failed to start (" + t
                    + "); it needs ai.djl.onnxruntime:onnxruntime-engine:0.33.0 and"
                    + " com.microsoft.onnxruntime:onnxruntime:1.21.1 on the class path, and"
                    + " -Dai.djl.default_engine=OnnxRuntime where other DJL engines are present", t);
        }
    }

    private static void probeOrtProvider(Engine engine, OrtProvider provider, String label, String needs) {
        EnumSet<OrtProvider> available;
        try {
            OrtEnv.get();
            available = ai.onnxruntime.OrtEnvironment.getAvailableProviders();
        } catch (Throwable t) {
            throw new EngineUnavailableException(engine, "ONNX Runtime failed to start (" + t + ")", t);
        }
        if (!available.contains(provider)) {
            throw new EngineUnavailableException(engine, "the ONNX Runtime library on the class path has no "
                    + label + " execution provider (available providers: " + available + "); put "
                    + ORT_GPU_ARTIFACT + " on the class path in place of com.microsoft.onnxruntime:onnxruntime,"
                    + " and install " + needs + " with an NVIDIA driver and GPU");
        }
        try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
            if (provider == OrtProvider.CUDA) {
                so.addCUDA(0);
            } else {
                so.addTensorrt(0);
            }
        } catch (OrtException | RuntimeException | LinkageError e) {
            throw new EngineUnavailableException(engine, "ONNX Runtime's " + label
                    + " execution provider failed to load (" + e.getMessage() + "); install " + needs
                    + " with an NVIDIA driver and make sure a GPU is visible", e);
        }
    }

    private static void probeDjlTensorRt() {
        try {
            Class.forName(TRT_ENGINE_CLASS, false, EngineProbe.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            throw new EngineUnavailableException(Engine.DJL_TENSORRT, "class " + TRT_ENGINE_CLASS
                    + " is not on the class path; add ai.djl.tensorrt:tensorrt:0.33.0 and install TensorRT 8.x"
                    + " (libnvinfer.so.8, libnvonnxparser.so.8), CUDA and an NVIDIA driver");
        }
        try {
            ai.djl.engine.Engine.getEngine("TensorRT");
        } catch (Throwable t) {
            throw new EngineUnavailableException(Engine.DJL_TENSORRT, "DJL's TensorRT engine failed to load (" + t
                    + "); it needs TensorRT 8.x (libnvinfer.so.8, libnvonnxparser.so.8, not TensorRT 10),"
                    + " CUDA and an NVIDIA driver", t);
        }
    }
}
