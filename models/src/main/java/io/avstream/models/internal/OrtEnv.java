package io.avstream.models.internal;

import ai.onnxruntime.OrtEnvironment;

/** The process-wide ONNX Runtime environment, always created through DJL's engine first. */
public final class OrtEnv {
    private OrtEnv() {
    }

    /**
     * Returns the ONNX Runtime environment. DJL's ONNX Runtime engine creates it with thread-pool
     * options and fails if one exists already, so the DJL engine is started before anything here
     * touches ONNX Runtime directly.
     */
    public static OrtEnvironment get() {
        ai.djl.engine.Engine.getEngine("OnnxRuntime");
        return OrtEnvironment.getEnvironment();
    }
}
