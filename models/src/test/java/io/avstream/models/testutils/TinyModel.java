package io.avstream.models.testutils;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.avstream.models.ModelPackage;
import io.avstream.models.internal.Hashing;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The tiny two-input, two-output test model (inputs x[4x3], y[5]; outputs logits[3], embedding[2];
 * labels walk, run, jump) made by {@code models/src/test/python/make_tiny_model.py}.
 */
public final class TinyModel {
    /** The class-path name of the package. */
    public static final String NAME = "tiny-model";
    /** Values per sample of input x. */
    public static final int X_SIZE = 12;
    /** Values per sample of input y. */
    public static final int Y_SIZE = 5;

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private TinyModel() {
    }

    /** The package directory in the test resources. */
    public static Path dir() {
        return resource("avstream-models/" + NAME + "/model.json").getParent();
    }

    /** The loaded, validated package. */
    public static ModelPackage load() {
        return ModelPackage.load(dir());
    }

    /** The same graph exported with the batch axis fixed to 1. */
    public static Path fixedBatchOnnx() {
        return resource("tiny-model-extra/model-fixed-batch.onnx");
    }

    /** Five inputs and PyTorch's outputs for them: keys x, y, logits, embedding (flattened) and batch. */
    public static JsonNode reference() {
        try {
            return MAPPER.readTree(resource("tiny-model-extra/reference.json").toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Copies the package into {@code parent}/tiny-model and returns that directory. */
    public static Path copyTo(Path parent) {
        Path target = parent.resolve(NAME);
        try {
            Files.createDirectories(target);
            try (Stream<Path> files = Files.list(dir())) {
                for (Path f : (Iterable<Path>) files::iterator) {
                    Files.copy(f, target.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return target;
    }

    /** Rewrites {@code dir}/model.json after applying {@code edit} to it. */
    public static void editManifest(Path dir, Consumer<ObjectNode> edit) {
        try {
            ObjectNode root = (ObjectNode) MAPPER.readTree(dir.resolve("model.json").toFile());
            edit.accept(root);
            MAPPER.writerWithDefaultPrettyPrinter().writeValue(dir.resolve("model.json").toFile(), root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Updates the sha256 entry of {@code file} in {@code dir}/model.json to the file's current hash. */
    public static void rehash(Path dir, String file) {
        try {
            String hex = Hashing.sha256(dir.resolve(file));
            editManifest(dir, m -> ((ObjectNode) m.get("sha256")).put(file, hex));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One random sample (x, y). */
    public static Map<String, float[]> sample(Random random) {
        Map<String, float[]> m = new LinkedHashMap<>();
        m.put("x", randoms(random, X_SIZE));
        m.put("y", randoms(random, Y_SIZE));
        return m;
    }

    /** {@code n} random floats in [-1, 1). */
    public static float[] randoms(Random random, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = random.nextFloat() * 2 - 1;
        }
        return v;
    }

    private static Path resource(String name) {
        URL url = TinyModel.class.getClassLoader().getResource(name);
        if (url == null) {
            throw new IllegalStateException("test resource " + name + " not found");
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
