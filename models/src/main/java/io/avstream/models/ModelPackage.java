package io.avstream.models;

import ai.onnxruntime.OrtException;
import io.avstream.models.internal.ClasspathPackages;
import io.avstream.models.internal.Hashing;
import io.avstream.models.internal.OnnxGraphValidator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A validated model package: a directory with {@code model.onnx}, {@code model.json} and a labels
 * file, whose checksums, ONNX graph and labels agree with the manifest.
 *
 * <pre>{@code
 * ModelPackage pkg = ModelPackage.load(Path.of("models/packages/stmt-small"));
 * ModelPackage same = ModelPackage.fromClasspath("stmt-small");
 * }</pre>
 */
public final class ModelPackage {
    /** The manifest's file name. */
    public static final String MANIFEST_FILE = "model.json";
    /** The ONNX graph's file name. */
    public static final String ONNX_FILE = "model.onnx";

    private final Path dir;
    private final ModelManifest manifest;
    private final List<String> labels;
    private final List<String> labelIds;

    private ModelPackage(Path dir, ModelManifest manifest, List<String> labels, List<String> labelIds) {
        this.dir = dir;
        this.manifest = manifest;
        this.labels = labels;
        this.labelIds = labelIds;
    }

    /**
     * Loads and validates the package in {@code dir}.
     *
     * @throws InvalidModelPackageException naming the first mismatch found: a missing or unknown
     *     manifest field, a checksum that differs, an ONNX input or output whose name, element type,
     *     rank or fixed dimension disagrees with the manifest, or a labels count that differs from
     *     the first output's last dimension
     */
    public static ModelPackage load(Path dir) {
        Path abs = dir.toAbsolutePath().normalize();
        if (!Files.isDirectory(abs)) {
            throw new InvalidModelPackageException(abs, "not a directory");
        }
        try {
            return validate(abs);
        } catch (InvalidModelPackageException e) {
            if (e.dir() != null) {
                throw e;
            }
            throw new InvalidModelPackageException(abs, e.detail(), e.getCause());
        } catch (IOException e) {
            throw new InvalidModelPackageException(abs, "cannot read: " + e, e);
        }
    }

    /**
     * Loads the package {@code name} from class-path resources under {@code avstream-models/<name>/},
     * extracted once per JVM to a temporary directory that is deleted when the JVM exits.
     */
    public static ModelPackage fromClasspath(String name) {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        if (loader == null) {
            loader = ModelPackage.class.getClassLoader();
        }
        return load(ClasspathPackages.extract(name, loader));
    }

    /** The manifest. */
    public ModelManifest manifest() {
        return manifest;
    }

    /** The package directory (absolute). */
    public Path dir() {
        return dir;
    }

    /** The ONNX graph file. */
    public Path onnxFile() {
        return dir.resolve(ONNX_FILE);
    }

    /** The labels in file order (empty when the model has no labels file). */
    public List<String> labels() {
        return labels;
    }

    /** The labels' ontology ids in label order (e.g. AudioSet mids); empty when the model has none. */
    public List<String> labelIds() {
        return labelIds;
    }

    /** {@code name:version}, e.g. {@code stmt-small:0.1.0}. */
    public String id() {
        return manifest.name() + ":" + manifest.version();
    }

    @Override
    public String toString() {
        return id() + " at " + dir;
    }

    private static ModelPackage validate(Path dir) throws IOException {
        Path json = dir.resolve(MANIFEST_FILE);
        if (!Files.isRegularFile(json)) {
            throw new InvalidModelPackageException(dir, MANIFEST_FILE + " not found");
        }
        ModelManifest manifest = ModelManifest.parse(Files.readString(json, StandardCharsets.UTF_8));
        if (!Files.isRegularFile(dir.resolve(ONNX_FILE))) {
            throw new InvalidModelPackageException(dir, ONNX_FILE + " not found");
        }
        for (Map.Entry<String, String> e : manifest.sha256().entrySet()) {
            Path file = dir.resolve(e.getKey());
            if (!Files.isRegularFile(file)) {
                throw new InvalidModelPackageException(dir, "file '" + e.getKey() + "' listed in sha256 not found");
            }
            String actual = Hashing.sha256(file);
            if (!actual.equals(e.getValue())) {
                throw new InvalidModelPackageException(dir, "sha256 mismatch for '" + e.getKey()
                        + "': model.json says " + e.getValue() + ", the file has " + actual);
            }
        }
        List<String> labels = List.of();
        Optional<String> labelsFile = manifest.labelsFile();
        if (labelsFile.isPresent()) {
            labels = readLabels(dir, labelsFile.get());
        }
        List<String> labelIds = List.of();
        Optional<String> idsFile = manifest.labelIdsFile();
        if (idsFile.isPresent()) {
            labelIds = readLabels(dir, idsFile.get());
            if (labelIds.size() != labels.size()) {
                throw new InvalidModelPackageException(dir, idsFile.get() + " has " + labelIds.size() + " ids but "
                        + labelsFile.get() + " has " + labels.size() + " labels");
            }
        }
        if (manifest.activation().needsLabels()) {
            TensorSpec first = manifest.outputs().get(0);
            long classes = first.dim(first.rank() - 1);
            if (first.rank() < 2 || classes != labels.size()) {
                throw new InvalidModelPackageException(dir, labelsFile.get() + " has " + labels.size()
                        + " labels but output '" + first.name() + "' has " + (first.rank() < 2 ? "no" : classes)
                        + " classes in its last dimension (activation " + manifest.activation().id() + ")");
            }
        }
        Optional<String> mismatch;
        try {
            mismatch = OnnxGraphValidator.firstMismatch(dir.resolve(ONNX_FILE), manifest);
        } catch (OrtException e) {
            throw new InvalidModelPackageException(dir, ONNX_FILE + " cannot be read by ONNX Runtime: "
                    + e.getMessage(), e);
        }
        if (mismatch.isPresent()) {
            throw new InvalidModelPackageException(dir, mismatch.get());
        }
        return new ModelPackage(dir, manifest, labels, labelIds);
    }

    private static List<String> readLabels(Path dir, String file) throws IOException {
        Path path = dir.resolve(file);
        if (!Files.isRegularFile(path)) {
            throw new InvalidModelPackageException(dir, "labels file '" + file + "' not found");
        }
        List<String> lines = new ArrayList<>(Files.readAllLines(path, StandardCharsets.UTF_8));
        while (!lines.isEmpty() && lines.get(lines.size() - 1).isBlank()) {
            lines.remove(lines.size() - 1);
        }
        for (int i = 0; i < lines.size(); i++) {
            String label = lines.get(i).strip();
            if (label.isEmpty()) {
                throw new InvalidModelPackageException(dir, file + " line " + (i + 1) + " is empty");
            }
            lines.set(i, label);
        }
        return List.copyOf(lines);
    }
}
