package io.avstream.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.avstream.models.testutils.TinyModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelPackageTest {
    @TempDir
    Path tmp;

    @Test
    void loadsValidPackage() {
        ModelPackage pkg = TinyModel.load();
        ModelManifest m = pkg.manifest();

        assertThat(m.name()).isEqualTo("tiny-model");
        assertThat(m.version()).isEqualTo("0.1.0");
        assertThat(m.task()).isEqualTo("test");
        assertThat(m.architecture()).isEqualTo("MLP");
        assertThat(m.weightsKind()).isEqualTo(WeightsKind.UNTRAINED);
        assertThat(m.activation()).isEqualTo(Activation.SOFTMAX);
        assertThat(m.inputs()).extracting(TensorSpec::name).containsExactly("x", "y");
        assertThat(m.outputs()).extracting(TensorSpec::name).containsExactly("logits", "embedding");
        assertThat(m.input("x").orElseThrow().sampleSize()).isEqualTo(12);
        assertThat(m.input("x").orElseThrow().shape()).containsExactly(-1, 4, 3);
        assertThat(m.preprocessing().get("note").asText()).isEqualTo("none");
        assertThat(m.preprocessingMap()).containsEntry("note", "none");
        assertThat(m.provenance().get("opset").asInt()).isEqualTo(17);
        assertThat(m.sha256()).containsOnlyKeys("model.onnx", "labels.txt");
        assertThat(pkg.labels()).containsExactly("walk", "run", "jump");
        assertThat(pkg.onnxFile()).isEqualTo(pkg.dir().resolve("model.onnx"));
        assertThat(pkg.id()).isEqualTo("tiny-model:0.1.0");
    }

    @Test
    void loadsFromClasspathIntoTemporaryDirectory() {
        ModelPackage pkg = ModelPackage.fromClasspath(TinyModel.NAME);

        assertThat(pkg.manifest().name()).isEqualTo("tiny-model");
        assertThat(pkg.dir()).isNotEqualTo(TinyModel.dir());
        assertThat(pkg.labels()).hasSize(3);
        assertThat(ModelPackage.fromClasspath(TinyModel.NAME).dir()).isEqualTo(pkg.dir());
    }

    @Test
    void refusesUnknownClasspathPackage() {
        assertThatThrownBy(() -> ModelPackage.fromClasspath("no-such-model"))
                .isInstanceOf(InvalidModelPackageException.class)
                .hasMessage("no model package 'no-such-model' on the class path"
                        + " (looked for avstream-models/no-such-model/model.json)");
    }

    @Test
    void manifestRoundTripsThroughJson() {
        ModelManifest m = TinyModel.load().manifest();
        ModelManifest again = ModelManifest.parse(m.toJson());

        assertThat(again.toJson()).isEqualTo(m.toJson());
        assertThat(again.inputs()).isEqualTo(m.inputs());
    }

    @Test
    void refusesMissingDirectory() {
        assertDetail(tmp.resolve("absent"), "not a directory");
    }

    @Test
    void refusesMissingManifest() throws IOException {
        Path dir = TinyModel.copyTo(tmp);
        Files.delete(dir.resolve("model.json"));
        assertDetail(dir, "model.json not found");
    }

    @Test
    void refusesInvalidJson() throws IOException {
        Path dir = TinyModel.copyTo(tmp);
        Files.writeString(dir.resolve("model.json"), "{\"format\": 1,", StandardOpenOption.TRUNCATE_EXISTING);
        assertThatThrownBy(() -> ModelPackage.load(dir))
                .isInstanceOf(InvalidModelPackageException.class)
                .hasMessageContaining("model.json is not valid JSON");
    }

    @Test
    void refusesMissingField() {
        assertBrokenManifest(m -> m.remove("task"), "model.json: missing field 'task'");
    }

    @Test
    void refusesMissingNestedField() {
        assertBrokenManifest(m -> ((ObjectNode) m.get("inputs").get(1)).remove("dtype"),
                "model.json: missing field 'inputs[1].dtype'");
    }

    @Test
    void refusesUnknownField() {
        assertBrokenManifest(m -> m.put("colour", "blue"), "model.json: unknown field 'colour'");
    }

    @Test
    void refusesUnknownNestedField() {
        assertBrokenManifest(m -> ((ObjectNode) m.get("weights")).put("licence", "none"),
                "model.json: unknown field 'weights.licence'");
    }

    @Test
    void refusesUnsupportedFormat() {
        assertBrokenManifest(m -> m.put("format", 2), "model.json: unsupported format 2 (this loader reads format 1)");
    }

    @Test
    void refusesUnknownActivation() {
        assertBrokenManifest(m -> m.put("activation", "relu"),
                "model.json: field activation must be one of [softmax, sigmoid, none], was 'relu'");
    }

    @Test
    void refusesUnknownWeightsKind() {
        assertBrokenManifest(m -> ((ObjectNode) m.get("weights")).put("kind", "pretrained"),
                "model.json: field weights.kind must be one of [untrained, synthetic-trained, official-converted, official-pretrained],"
                        + " was 'pretrained'");
    }

    @Test
    void refusesUnknownDtype() {
        assertBrokenManifest(m -> ((ObjectNode) m.get("inputs").get(0)).put("dtype", "float8"),
                "model.json: field 'inputs[0].dtype' must be one of "
                        + "[float32, float16, float64, int64, int32, int8, uint8, bool], was 'float8'");
    }

    @Test
    void refusesFixedBatchAxisInManifest() {
        assertBrokenManifest(m -> shape(m, "inputs", 0).set(0, 2),
                "model.json: field 'inputs[0].shape' of 'x' must start with -1 (the batch axis), was 2");
    }

    @Test
    void refusesDuplicateTensorName() {
        assertBrokenManifest(m -> ((ObjectNode) m.get("outputs").get(1)).put("name", "x"),
                "model.json: tensor name 'x' is used twice");
    }

    @Test
    void refusesSoftmaxWithoutLabels() {
        assertBrokenManifest(m -> m.remove("labels"), "model.json: activation softmax needs a 'labels' file");
    }

    @Test
    void refusesManifestWithoutModelChecksum() {
        assertBrokenManifest(m -> ((ObjectNode) m.get("sha256")).remove("model.onnx"),
                "model.json: sha256 has no entry for 'model.onnx'");
    }

    @Test
    void refusesModelChecksumMismatch() throws IOException {
        Path dir = TinyModel.copyTo(tmp);
        String listed = TinyModel.load().manifest().sha256().get("model.onnx");
        Files.copy(TinyModel.fixedBatchOnnx(), dir.resolve("model.onnx"), StandardCopyOption.REPLACE_EXISTING);
        String actual = io.avstream.models.internal.Hashing.sha256(dir.resolve("model.onnx"));

        assertDetail(dir, "sha256 mismatch for 'model.onnx': model.json says " + listed + ", the file has " + actual);
    }

    @Test
    void refusesLabelsChecksumMismatch() throws IOException {
        Path dir = TinyModel.copyTo(tmp);
        Files.writeString(dir.resolve("labels.txt"), "walk\nrun\nhop\n");
        assertThatThrownBy(() -> ModelPackage.load(dir))
                .isInstanceOf(InvalidModelPackageException.class)
                .extracting(e -> ((InvalidModelPackageException) e).detail()).asString()
                .startsWith("sha256 mismatch for 'labels.txt': model.json says ");
    }

    @Test
    void refusesMissingListedFile() throws IOException {
        Path dir = TinyModel.copyTo(tmp);
        Files.delete(dir.resolve("labels.txt"));
        assertDetail(dir, "file 'labels.txt' listed in sha256 not found");
    }

    @Test
    void refusesLabelsCountMismatch() throws IOException {
        Path dir = TinyModel.copyTo(tmp);
        Files.writeString(dir.resolve("labels.txt"), "walk\nrun\njump\nsit\n");
        TinyModel.rehash(dir, "labels.txt");
        assertDetail(dir, "labels.txt has 4 labels but output 'logits' has 3 classes in its last dimension"
                + " (activation softmax)");
    }

    @Test
    void refusesInputNameMismatch() {
        assertBrokenManifest(m -> ((ObjectNode) m.get("inputs").get(0)).put("name", "points"),
                "model.json declares input 'points' but the ONNX graph has no such input (graph inputs: [x, y])");
    }

    @Test
    void refusesUndeclaredGraphOutput() {
        assertBrokenManifest(m -> ((ArrayNode) m.get("outputs")).remove(1),
                "the ONNX graph has output 'embedding' that model.json does not declare");
    }

    @Test
    void refusesElementTypeMismatch() {
        assertBrokenManifest(m -> ((ObjectNode) m.get("inputs").get(0)).put("dtype", "int64"),
                "input 'x' element type: model.json says int64, the ONNX graph has float32");
    }

    @Test
    void refusesRankMismatch() {
        assertBrokenManifest(m -> {
            ArrayNode shape = shape(m, "inputs", 0);
            shape.removeAll();
            shape.add(-1).add(12);
        }, "input 'x' rank: model.json says 2 [-1, 12], the ONNX graph has 3 [-1, 4, 3]");
    }

    @Test
    void refusesFixedDimensionMismatch() {
        assertBrokenManifest(m -> shape(m, "outputs", 1).set(1, 4),
                "output 'embedding' dimension 1: model.json says 4, the ONNX graph has 2");
    }

    @Test
    void refusesGraphWithFixedBatchAxis() throws IOException {
        Path dir = TinyModel.copyTo(tmp);
        Files.copy(TinyModel.fixedBatchOnnx(), dir.resolve("model.onnx"), StandardCopyOption.REPLACE_EXISTING);
        TinyModel.rehash(dir, "model.onnx");
        assertDetail(dir, "input 'x' dimension 0: model.json says -1 (dynamic), the ONNX graph has fixed 1"
                + " (export with dynamic_axes on the batch axis)");
    }

    @Test
    void refusesUnreadableOnnxFile() throws IOException {
        Path dir = TinyModel.copyTo(tmp);
        Files.writeString(dir.resolve("model.onnx"), "not an onnx graph");
        TinyModel.rehash(dir, "model.onnx");
        assertThatThrownBy(() -> ModelPackage.load(dir))
                .isInstanceOf(InvalidModelPackageException.class)
                .hasMessageContaining("model.onnx cannot be read by ONNX Runtime");
    }

    @Test
    void tensorSpecSampleSizeIsProductOfNonBatchDimensions() {
        assertThat(new TensorSpec("points", "float32", new long[] {-1, 24, 128, 3}).sampleSize()).isEqualTo(9216);
        assertThatThrownBy(() -> new TensorSpec("audio", "float32", new long[] {-1, -1}).sampleSize())
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("tensor 'audio' has a variable-length dimension [-1, -1], so its sample size is not fixed");
        assertThatThrownBy(() -> new TensorSpec("x", "float32", new long[] {1, 3}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("tensor 'x' shape [1, 3] must have -1 at its batch axis 0, was 1");
    }

    private void assertBrokenManifest(Consumer<ObjectNode> edit, String detail) {
        Path dir = TinyModel.copyTo(tmp);
        TinyModel.editManifest(dir, edit);
        assertDetail(dir, detail);
    }

    private static void assertDetail(Path dir, String detail) {
        assertThatThrownBy(() -> ModelPackage.load(dir))
                .isInstanceOf(InvalidModelPackageException.class)
                .hasMessage("Invalid model package " + dir.toAbsolutePath().normalize() + ": " + detail)
                .extracting(e -> ((InvalidModelPackageException) e).detail()).isEqualTo(detail);
    }

    private static ArrayNode shape(ObjectNode m, String field, int index) {
        return (ArrayNode) m.get(field).get(index).get("shape");
    }
}
