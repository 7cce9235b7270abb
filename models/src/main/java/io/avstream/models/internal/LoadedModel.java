package io.avstream.models.internal;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDList;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.NoopTranslator;
import io.avstream.models.Engine;
import io.avstream.models.EngineUnavailableException;
import io.avstream.models.ModelPackage;
import io.avstream.models.RuntimeOptions;
import io.avstream.models.TensorSpec;
import java.io.IOException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One model package loaded through DJL on one engine; hands out per-thread {@link PredictorRunner}s. */
public final class LoadedModel implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LoadedModel.class);

    /** DJL's ONNX Runtime option that selects an execution provider other than CUDA. */
    public static final String ORT_DEVICE_OPTION = "ortDevice";

    private final ModelPackage pkg;
    private final RuntimeOptions options;
    private final ZooModel<NDList, NDList> model;

    private LoadedModel(ModelPackage pkg, RuntimeOptions options, ZooModel<NDList, NDList> model) {
        this.pkg = pkg;
        this.options = options;
        this.model = model;
    }

    /**
     * Checks the engine, then loads the package's ONNX graph on it.
     *
     * @throws EngineUnavailableException if the engine is missing or its execution provider fails to load
     * @throws IllegalArgumentException if the package has tensors this runtime cannot feed
     */
    public static LoadedModel load(ModelPackage pkg, RuntimeOptions options) {
        Engine engine = options.engine();
        checkTensors(pkg, engine);
        engine.checkAvailable();
        Criteria.Builder<NDList, NDList> criteria = Criteria.builder()
                .setTypes(NDList.class, NDList.class)
                .optModelPath(pkg.dir())
                .optModelName("model")
                .optTranslator(new NoopTranslator());
        String threads = Integer.toString(options.intraOpThreads());
        switch (engine) {
            case ORT_CPU:
                criteria.optEngine("OnnxRuntime").optDevice(Device.cpu())
                        .optOption("intraOpNumThreads", threads).optOption("interOpNumThreads", "1");
                break;
            case ORT_CUDA:
                criteria.optEngine("OnnxRuntime").optDevice(Device.gpu())
                        .optOption("intraOpNumThreads", threads).optOption("interOpNumThreads", "1");
                break;
            case ORT_TENSORRT:
                criteria.optEngine("OnnxRuntime").optDevice(Device.gpu())
                        .optOption(ORT_DEVICE_OPTION, "TensorRT")
                        .optOption("intraOpNumThreads", threads).optOption("interOpNumThreads", "1");
                break;
            case DJL_TENSORRT:
                criteria.optEngine("TensorRT").optDevice(Device.gpu());
                break;
            default:
                throw new IllegalStateException("no loader for " + engine);
        }
        long start = System.nanoTime();
        ZooModel<NDList, NDList> model;
        try {
            model = criteria.build().loadModel();
        } catch (ModelNotFoundException | MalformedModelException | IOException e) {
            throw loadFailure(pkg, engine, e);
        } catch (RuntimeException | LinkageError e) {
            if (engine.isGpu()) {
                throw new EngineUnavailableException(engine, "loading " + pkg.id() + " failed (" + e
                        + "); check the GPU, driver and libraries this engine needs", e);
            }
            throw loadFailure(pkg, engine, e);
        }
        LOG.info("Loaded model {} from {} on {} in {} ms", pkg.id(), pkg.dir(), engine.id(),
                (System.nanoTime() - start) / 1_000_000);
        return new LoadedModel(pkg, options, model);
    }

    private static IllegalStateException loadFailure(ModelPackage pkg, Engine engine, Throwable e) {
        return new IllegalStateException("cannot load model " + pkg.id() + " from " + pkg.dir()
                + " on " + engine.id() + ": " + e.getMessage(), e);
    }

    private static void checkTensors(ModelPackage pkg, Engine engine) {
        boolean fixedBatch = engine == Engine.DJL_TENSORRT;
        for (TensorSpec t : pkg.manifest().inputs()) {
            if (!t.dtype().equals("float32") && !t.dtype().equals("int64")) {
                throw new IllegalArgumentException("model " + pkg.id() + " input '" + t.name() + "' is "
                        + t.dtype() + "; this runtime feeds float32 and int64 inputs only");
            }
            if (fixedBatch && !t.isShared() && (t.batchAxis() != 0 || !t.hasFixedSampleShape())) {
                throw new IllegalArgumentException("model " + pkg.id() + " input '" + t.name() + "' " + t
                        + ": engine " + engine.id() + " pads batches to a fixed shape and needs the batch on axis 0"
                        + " and fixed sample shapes");
            }
        }
        for (TensorSpec t : pkg.manifest().outputs()) {
            if (!t.dtype().equals("float32")) {
                throw new IllegalArgumentException("model " + pkg.id() + " output '" + t.name() + "' is "
                        + t.dtype() + "; this runtime reads float32 outputs only");
            }
            if (fixedBatch && t.batchAxis() != 0) {
                throw new IllegalArgumentException("model " + pkg.id() + " output '" + t.name() + "' " + t
                        + ": engine " + engine.id() + " needs the batch on axis 0");
            }
        }
    }

    /** The package. */
    public ModelPackage modelPackage() {
        return pkg;
    }

    /** The options it was loaded with. */
    public RuntimeOptions options() {
        return options;
    }

    /** The fixed batch every run is padded to, or 0 where batches are dynamic. */
    public int paddedBatch() {
        return options.engine() == Engine.DJL_TENSORRT ? options.maxBatch() : 0;
    }

    /** A new runner with its own predictor, for one thread. */
    public PredictorRunner newRunner() {
        return new PredictorRunner(this, newPredictor());
    }

    Predictor<NDList, NDList> newPredictor() {
        return model.newPredictor();
    }

    ai.djl.ndarray.NDManager manager() {
        return model.getNDManager();
    }

    List<TensorSpec> inputs() {
        return pkg.manifest().inputs();
    }

    List<TensorSpec> outputs() {
        return pkg.manifest().outputs();
    }

    @Override
    public void close() {
        model.close();
        LOG.info("Closed model {} on {}", pkg.id(), options.engine().id());
    }
}
