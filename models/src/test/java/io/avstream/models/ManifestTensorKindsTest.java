package io.avstream.models;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** Manifests that misdeclare shared, int64, batch-axis or variable-length tensors are refused, naming the mismatch. */
class ManifestTensorKindsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void refusesVariableLengthInputWithoutLengths() {
        assertRefused(m -> input(m, 0).remove("lengths"),
                "model.json: input 'x' has a variable-length axis (shape [-1, -1, 3]) but declares no 'lengths' input"
                        + " to carry each sample's length");
    }

    @Test
    void refusesLengthsThatAreNotAnInt64Vector() {
        assertRefused(m -> input(m, 1).put("dtype", "float32"),
                "model.json: lengths input 'x_len' of 'x' must be int64 with shape [-1], was float32[-1]");
        assertRefused(m -> input(m, 0).put("lengths", "nope"),
                "model.json: input 'x' names lengths input 'nope', which is not an input of the model");
    }

    @Test
    void refusesLengthsOnAFixedShapeInput() {
        assertRefused(m -> input(m, 2).put("lengths", "x_len"),
                "model.json: input 'state' declares lengths 'x_len' but has no variable-length axis (no -1 besides the batch axis)");
    }

    @Test
    void refusesSharedInputWithADynamicDimension() {
        assertRefused(m -> ((ArrayNode) input(m, 3).get("shape")).set(0, -1),
                "model.json: field 'inputs[3].shape' of shared input 'bias' dimension 0 must be positive"
                        + " (a shared input has no batch axis and a fixed shape), was -1");
        assertRefused(m -> input(m, 3).put("batch_axis", 0),
                "model.json: field 'inputs[3].batch_axis' of 'bias': a shared input has no batch axis");
    }

    @Test
    void refusesABatchAxisThatIsNotDynamicOrOutsideTheShape() {
        assertRefused(m -> input(m, 2).put("batch_axis", 0),
                "model.json: field 'inputs[2].shape' of 'state' must start with -1 (the batch axis), was 2");
        assertRefused(m -> input(m, 2).put("batch_axis", 3),
                "model.json: field 'inputs[2].batch_axis' of 'state' is 3, outside its shape [2, -1, 4]");
    }

    @Test
    void refusesAScalarThatIsNotShared() {
        assertRefused(m -> input(m, 4).remove("shared"),
                "model.json: field 'inputs[4].shape' must be a non-empty array of integers (only a shared input may be a scalar, shape [])");
    }

    @Test
    void refusesBadBuckets() {
        assertRefused(m -> ((ArrayNode) input(m, 0).get("buckets")).set(1, 2),
                "model.json: field 'inputs[0].buckets' must be a non-empty array of increasing positive integers");
        assertRefused(m -> input(m, 2).set("buckets", JSON.createArrayNode().add(4)),
                "model.json: field 'inputs[2]': tensor 'state' declares length buckets but has no variable-length axis");
    }

    @Test
    void refusesSharedOutputs() {
        assertRefused(m -> ((ObjectNode) m.get("outputs").get(0)).put("shared", true),
                "model.json: unknown field 'outputs[0].shared'");
    }

    private static ObjectNode input(ObjectNode m, int i) {
        return (ObjectNode) m.get("inputs").get(i);
    }

    private static void assertRefused(Consumer<ObjectNode> edit, String message) {
        ObjectNode m;
        try (InputStream in = ManifestTensorKindsTest.class.getResourceAsStream("/avstream-models/tiny-runtime/model.json")) {
            m = (ObjectNode) JSON.readTree(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        edit.accept(m);
        assertThatThrownBy(() -> ModelManifest.parse(m.toString()))
                .isInstanceOf(InvalidModelPackageException.class)
                .hasMessage(message);
    }
}
