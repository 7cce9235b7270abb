package io.avstream.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtProvider;
import io.avstream.models.internal.OrtEnv;
import io.avstream.models.testutils.TinyModel;
import org.junit.jupiter.api.Test;

class EngineTest {

    @Test
    void parsesConfigurationAndConstantNames() {
        assertThat(Engine.parse("onnxruntime-cpu")).isEqualTo(Engine.ORT_CPU);
        assertThat(Engine.parse("ONNXRUNTIME-CUDA")).isEqualTo(Engine.ORT_CUDA);
        assertThat(Engine.parse("onnxruntime-tensorrt")).isEqualTo(Engine.ORT_TENSORRT);
        assertThat(Engine.parse(" djl-tensorrt ")).isEqualTo(Engine.DJL_TENSORRT);
        assertThat(Engine.parse("ORT_CPU")).isEqualTo(Engine.ORT_CPU);
        assertThat(Engine.defaultEngine()).isEqualTo(Engine.ORT_CPU);
    }

    @Test
    void refusesUnknownEngineName() {
        assertThatThrownBy(() -> Engine.parse("openvino"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown engine 'openvino' (known: onnxruntime-cpu, onnxruntime-cuda,"
                        + " onnxruntime-tensorrt, djl-tensorrt)");
    }

    @Test
    void cpuEngineIsAvailable() {
        Engine.ORT_CPU.checkAvailable();
        assertThat(Engine.ORT_CPU.isAvailable()).isTrue();
    }

    @Test
    void ortCudaNeedsTheGpuArtifact() {
        assumeFalse(providers().contains(OrtProvider.CUDA), "ONNX Runtime on the class path has CUDA");

        assertThatThrownBy(Engine.ORT_CUDA::checkAvailable)
                .isInstanceOf(EngineUnavailableException.class)
                .hasMessageStartingWith("Engine onnxruntime-cuda is not available: the ONNX Runtime library on the"
                        + " class path has no CUDA execution provider (available providers: [")
                .hasMessageContaining("put com.microsoft.onnxruntime:onnxruntime_gpu:1.21.0 on the class path in"
                        + " place of com.microsoft.onnxruntime:onnxruntime, and install CUDA 12 and cuDNN 9")
                .satisfies(e -> assertThat(((EngineUnavailableException) e).engine()).isEqualTo(Engine.ORT_CUDA));
        assertThat(Engine.ORT_CUDA.isAvailable()).isFalse();
    }

    @Test
    void ortTensorRtNeedsTheGpuArtifact() {
        assumeFalse(providers().contains(OrtProvider.CUDA), "ONNX Runtime on the class path has CUDA");

        assertThatThrownBy(Engine.ORT_TENSORRT::checkAvailable)
                .isInstanceOf(EngineUnavailableException.class)
                .hasMessageStartingWith("Engine onnxruntime-tensorrt is not available: the ONNX Runtime library on"
                        + " the class path has no CUDA execution provider")
                .hasMessageContaining("com.microsoft.onnxruntime:onnxruntime_gpu:1.21.0");
    }

    @Test
    void djlTensorRtNeedsTheTensorRtJar() {
        assumeTrue(absent("ai.djl.tensorrt.engine.TrtEngine"), "DJL's TensorRT engine is on the class path");

        assertThatThrownBy(Engine.DJL_TENSORRT::checkAvailable)
                .isInstanceOf(EngineUnavailableException.class)
                .hasMessage("Engine djl-tensorrt is not available: class ai.djl.tensorrt.engine.TrtEngine is not on"
                        + " the class path; add ai.djl.tensorrt:tensorrt:0.33.0 and install TensorRT 8.x"
                        + " (libnvinfer.so.8, libnvonnxparser.so.8), CUDA and an NVIDIA driver");
    }

    @Test
    void sessionOnMissingEngineFailsAtOpen() {
        assumeFalse(providers().contains(OrtProvider.CUDA), "ONNX Runtime on the class path has CUDA");
        ModelPackage pkg = TinyModel.load();
        RuntimeOptions cuda = RuntimeOptions.builder().optEngine(Engine.ORT_CUDA).build();

        assertThatThrownBy(() -> EngineSession.open(pkg, cuda))
                .isInstanceOf(EngineUnavailableException.class)
                .hasMessageStartingWith("Engine onnxruntime-cuda is not available");
    }

    private static java.util.Set<OrtProvider> providers() {
        OrtEnv.get();
        return OrtEnvironment.getAvailableProviders();
    }

    private static boolean absent(String className) {
        try {
            Class.forName(className, false, EngineTest.class.getClassLoader());
            return false;
        } catch (ClassNotFoundException e) {
            return true;
        }
    }
}
