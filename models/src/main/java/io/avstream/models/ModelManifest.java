package io.avstream.models;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The parsed {@code model.json} of a model package: identity, tensors, activation, labels file,
 * task-specific preprocessing, provenance and file checksums. Immutable.
 */
public final class ModelManifest {
    /** The manifest format this class reads. */
    public static final int FORMAT = 1;

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private static final List<String> REQUIRED = List.of(
            "format", "name", "version", "task", "architecture", "weights", "inputs", "outputs",
            "activation", "sha256");
    private static final Set<String> OPTIONAL = Set.of("description", "labels", "label_ids", "preprocessing",
            "postprocessing", "provenance");

    private final int format;
    private final String name;
    private final String version;
    private final String task;
    private final String architecture;
    private final String description;
    private final WeightsKind weightsKind;
    private final String weightsNote;
    private final List<TensorSpec> inputs;
    private final List<TensorSpec> outputs;
    private final Activation activation;
    private final String labelsFile;
    private final String labelIdsFile;
    private final JsonNode preprocessing;
    private final JsonNode postprocessing;
    private final JsonNode provenance;
    private final Map<String, String> sha256;

    private ModelManifest(JsonNode root) {
        checkFields("", root, REQUIRED, OPTIONAL);
        this.format = intField(root, "format");
        if (format != FORMAT) {
            throw invalid("unsupported format " + format + " (this loader reads format " + FORMAT + ")");
        }
        this.name = textField(root, "name");
        this.version = textField(root, "version");
        this.task = textField(root, "task");
        this.architecture = textField(root, "architecture");
        this.description = root.has("description") ? textField(root, "description") : "";
        JsonNode weights = objectField(root, "weights");
        checkFields("weights.", weights, List.of("kind"), Set.of("note"));
        try {
            this.weightsKind = WeightsKind.parse(textField(weights, "kind", "weights.kind"));
        } catch (IllegalArgumentException e) {
            throw invalid("field " + e.getMessage());
        }
        this.weightsNote = weights.has("note") ? textField(weights, "note", "weights.note") : "";
        this.inputs = tensors(root, "inputs");
        this.outputs = tensors(root, "outputs");
        Set<String> names = new HashSet<>();
        for (TensorSpec t : concat(inputs, outputs)) {
            if (!names.add(t.name())) {
                throw invalid("tensor name '" + t.name() + "' is used twice");
            }
        }
        try {
            this.activation = Activation.parse(textField(root, "activation"));
        } catch (IllegalArgumentException e) {
            throw invalid("field " + e.getMessage());
        }
        this.labelsFile = root.has("labels") ? fileName(textField(root, "labels"), "labels") : null;
        if (activation.needsLabels() && labelsFile == null) {
            throw invalid("activation " + activation.id() + " needs a 'labels' file");
        }
        this.labelIdsFile = root.has("label_ids") ? fileName(textField(root, "label_ids"), "label_ids") : null;
        if (labelIdsFile != null && labelsFile == null) {
            throw invalid("'label_ids' needs a 'labels' file: the ids belong to the labels, line by line");
        }
        this.postprocessing = root.has("postprocessing")
                ? objectField(root, "postprocessing").deepCopy() : JsonNodeFactory.instance.objectNode();
        this.preprocessing = root.has("preprocessing")
                ? objectField(root, "preprocessing").deepCopy() : JsonNodeFactory.instance.objectNode();
        this.provenance = root.has("provenance")
                ? objectField(root, "provenance").deepCopy() : JsonNodeFactory.instance.objectNode();
        JsonNode sums = objectField(root, "sha256");
        Map<String, String> s = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = sums.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String file = fileName(e.getKey(), "sha256 key");
            String path = "sha256." + file;
            String hex = textField(sums, e.getKey(), path);
            if (!hex.matches("[0-9a-f]{64}")) {
                throw invalid("field '" + path + "' must be 64 lower-case hex digits, was '" + hex + "'");
            }
            s.put(file, hex);
        }
        if (!s.containsKey(ModelPackage.ONNX_FILE)) {
            throw invalid("sha256 has no entry for '" + ModelPackage.ONNX_FILE + "'");
        }
        if (labelsFile != null && !s.containsKey(labelsFile)) {
            throw invalid("sha256 has no entry for '" + labelsFile + "'");
        }
        if (labelIdsFile != null && !s.containsKey(labelIdsFile)) {
            throw invalid("sha256 has no entry for '" + labelIdsFile + "'");
        }
        this.sha256 = Collections.unmodifiableMap(s);
    }

    /**
     * Parses and checks {@code model.json} text.
     *
     * @throws InvalidModelPackageException naming the first missing, unknown or malformed field
     */
    public static ModelManifest parse(String json) {
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new InvalidModelPackageException(
                    "model.json is not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw invalid("the top level must be a JSON object");
        }
        return new ModelManifest(root);
    }

    /** The manifest format version (always {@value #FORMAT}). */
    public int format() {
        return format;
    }

    /** The model's name, e.g. {@code stmt-small}. */
    public String name() {
        return name;
    }

    /** The model's version, e.g. {@code 0.1.0}. */
    public String version() {
        return version;
    }

    /** The task the model serves, e.g. {@code action}. */
    public String task() {
        return task;
    }

    /** The architecture, e.g. {@code STMT}. */
    public String architecture() {
        return architecture;
    }

    /** A free-text description ({@code ""} when absent). */
    public String description() {
        return description;
    }

    /** Where the weights came from. */
    public WeightsKind weightsKind() {
        return weightsKind;
    }

    /** A note about the weights ({@code ""} when absent). */
    public String weightsNote() {
        return weightsNote;
    }

    /** The model's inputs, in graph order. */
    public List<TensorSpec> inputs() {
        return inputs;
    }

    /** The model's outputs, in graph order. */
    public List<TensorSpec> outputs() {
        return outputs;
    }

    /** The input called {@code name}, if any. */
    public Optional<TensorSpec> input(String name) {
        return inputs.stream().filter(t -> t.name().equals(name)).findFirst();
    }

    /** The output called {@code name}, if any. */
    public Optional<TensorSpec> output(String name) {
        return outputs.stream().filter(t -> t.name().equals(name)).findFirst();
    }

    /** The activation applied to the first output. */
    public Activation activation() {
        return activation;
    }

    /** The labels file name inside the package, if the model has labels. */
    public Optional<String> labelsFile() {
        return Optional.ofNullable(labelsFile);
    }

    /** The file of the labels' ontology ids (one per line, in label order), if the model has one. */
    public Optional<String> labelIdsFile() {
        return Optional.ofNullable(labelIdsFile);
    }

    /** The task-specific postprocessing object, e.g. calibrated thresholds (a copy; empty object when absent). */
    public JsonNode postprocessing() {
        return postprocessing.deepCopy();
    }

    /** The task-specific preprocessing object (a copy; empty object when absent). */
    public JsonNode preprocessing() {
        return preprocessing.deepCopy();
    }

    /** The preprocessing object as plain Java maps, lists, strings, numbers and booleans. */
    @SuppressWarnings("unchecked")
    public Map<String, Object> preprocessingMap() {
        return MAPPER.convertValue(preprocessing, Map.class);
    }

    /** The provenance object (a copy; empty object when absent). */
    public JsonNode provenance() {
        return provenance.deepCopy();
    }

    /** The expected SHA-256 (lower-case hex) of each listed file, by file name. */
    public Map<String, String> sha256() {
        return sha256;
    }

    /** The manifest as JSON text, fields in the documented order. */
    public String toJson() {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        root.put("format", format).put("name", name).put("version", version).put("task", task)
                .put("architecture", architecture).put("description", description);
        root.putObject("weights").put("kind", weightsKind.id()).put("note", weightsNote);
        root.set("inputs", tensorsJson(inputs));
        root.set("outputs", tensorsJson(outputs));
        root.put("activation", activation.id());
        if (labelsFile != null) {
            root.put("labels", labelsFile);
        }
        if (labelIdsFile != null) {
            root.put("label_ids", labelIdsFile);
        }
        root.set("preprocessing", preprocessing.deepCopy());
        if (!postprocessing.isEmpty()) {
            root.set("postprocessing", postprocessing.deepCopy());
        }
        root.set("provenance", provenance.deepCopy());
        ObjectNode sums = root.putObject("sha256");
        sha256.forEach(sums::put);
        try {
            return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return name + " " + version + " (" + task + ", " + architecture + ", " + weightsKind.id() + ")";
    }

    private static com.fasterxml.jackson.databind.node.ArrayNode tensorsJson(List<TensorSpec> specs) {
        var array = JsonNodeFactory.instance.arrayNode();
        for (TensorSpec t : specs) {
            ObjectNode o = array.addObject().put("name", t.name()).put("dtype", t.dtype());
            var shape = o.putArray("shape");
            for (long d : t.shape()) {
                shape.add(d);
            }
            if (t.isShared()) {
                o.put("shared", true);
            } else if (t.batchAxis() != 0) {
                o.put("batch_axis", t.batchAxis());
            }
            if (t.lengthsInput() != null) {
                o.put("lengths", t.lengthsInput());
            }
            if (t.buckets().length > 0) {
                var b = o.putArray("buckets");
                for (int k : t.buckets()) {
                    b.add(k);
                }
            }
        }
        return array;
    }

    private static List<TensorSpec> tensors(JsonNode root, String field) {
        JsonNode array = root.get(field);
        if (!array.isArray()) {
            throw invalid("field '" + field + "' must be an array");
        }
        if (array.isEmpty()) {
            throw invalid("field '" + field + "' must not be empty");
        }
        boolean inputs = field.equals("inputs");
        List<TensorSpec> specs = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
            String path = field + "[" + i + "]";
            JsonNode t = array.get(i);
            if (!t.isObject()) {
                throw invalid("field '" + path + "' must be an object");
            }
            checkFields(path + ".", t, List.of("name", "dtype", "shape"),
                    inputs ? Set.of("shared", "batch_axis", "lengths", "buckets") : Set.of("batch_axis"));
            String tname = textField(t, "name", path + ".name");
            String dtype = textField(t, "dtype", path + ".dtype");
            if (!TensorSpec.DTYPES.contains(dtype)) {
                throw invalid("field '" + path + ".dtype' must be one of " + TensorSpec.DTYPES
                        + ", was '" + dtype + "'");
            }
            boolean shared = false;
            if (t.has("shared")) {
                if (!t.get("shared").isBoolean()) {
                    throw invalid("field '" + path + ".shared' must be true or false");
                }
                shared = t.get("shared").booleanValue();
            }
            JsonNode shapeNode = t.get("shape");
            if (!shapeNode.isArray() || (shapeNode.isEmpty() && !shared)) {
                throw invalid("field '" + path + ".shape' must be a non-empty array of integers"
                        + (shapeNode.isArray() ? " (only a shared input may be a scalar, shape [])" : ""));
            }
            long[] shape = new long[shapeNode.size()];
            for (int d = 0; d < shape.length; d++) {
                JsonNode dim = shapeNode.get(d);
                if (!dim.isIntegralNumber()) {
                    throw invalid("field '" + path + ".shape' must be an array of integers");
                }
                shape[d] = dim.asLong();
            }
            int batchAxis = 0;
            if (t.has("batch_axis")) {
                if (shared) {
                    throw invalid("field '" + path + ".batch_axis' of '" + tname
                            + "': a shared input has no batch axis");
                }
                if (!t.get("batch_axis").isInt()) {
                    throw invalid("field '" + path + ".batch_axis' must be an integer");
                }
                batchAxis = t.get("batch_axis").intValue();
                if (batchAxis < 0 || batchAxis >= shape.length) {
                    throw invalid("field '" + path + ".batch_axis' of '" + tname + "' is " + batchAxis
                            + ", outside its shape " + java.util.Arrays.toString(shape));
                }
            }
            if (shared) {
                for (int d = 0; d < shape.length; d++) {
                    if (shape[d] <= 0) {
                        throw invalid("field '" + path + ".shape' of shared input '" + tname + "' dimension " + d
                                + " must be positive (a shared input has no batch axis and a fixed shape), was " + shape[d]);
                    }
                }
            } else if (shape[batchAxis] != TensorSpec.DYNAMIC) {
                throw invalid("field '" + path + ".shape' of '" + tname
                        + (batchAxis == 0 ? "' must start with -1 (the batch axis), was " + shape[0]
                                : "' must have -1 at its batch axis " + batchAxis + ", was " + shape[batchAxis]));
            }
            for (int d = 0; d < shape.length; d++) {
                if (shape[d] <= 0 && shape[d] != TensorSpec.DYNAMIC) {
                    throw invalid("field '" + path + ".shape' of '" + tname + "' dimension " + d
                            + " must be positive or -1, was " + shape[d]);
                }
            }
            String lengths = t.has("lengths") ? textField(t, "lengths", path + ".lengths") : null;
            int[] buckets = new int[0];
            if (t.has("buckets")) {
                JsonNode b = t.get("buckets");
                if (!b.isArray() || b.isEmpty()) {
                    throw invalid("field '" + path + ".buckets' must be a non-empty array of increasing positive integers");
                }
                buckets = new int[b.size()];
                for (int k = 0; k < buckets.length; k++) {
                    if (!b.get(k).isInt() || b.get(k).intValue() <= 0 || (k > 0 && b.get(k).intValue() <= buckets[k - 1])) {
                        throw invalid("field '" + path + ".buckets' must be a non-empty array of increasing positive integers");
                    }
                    buckets[k] = b.get(k).intValue();
                }
            }
            try {
                specs.add(new TensorSpec(tname, dtype, shape, shared ? TensorSpec.NO_BATCH_AXIS : batchAxis, lengths, buckets));
            } catch (IllegalArgumentException e) {
                throw invalid("field '" + path + "': " + e.getMessage());
            }
        }
        if (inputs) {
            checkLengths(specs);
        }
        return List.copyOf(specs);
    }

    /** Each variable-length input names a lengths input that exists and is int64 {@code [-1]}. */
    private static void checkLengths(List<TensorSpec> inputs) {
        for (TensorSpec t : inputs) {
            if (t.isShared() || t.hasFixedSampleShape()) {
                if (t.lengthsInput() != null) {
                    throw invalid("input '" + t.name() + "' declares lengths '" + t.lengthsInput()
                            + "' but has no variable-length axis (no -1 besides the batch axis)");
                }
                continue;
            }
            if (t.lengthsInput() == null) {
                throw invalid("input '" + t.name() + "' has a variable-length axis (shape "
                        + java.util.Arrays.toString(t.shape()) + ") but declares no 'lengths' input to carry each sample's length");
            }
            TensorSpec len = inputs.stream().filter(s -> s.name().equals(t.lengthsInput())).findFirst()
                    .orElseThrow(() -> invalid("input '" + t.name() + "' names lengths input '" + t.lengthsInput()
                            + "', which is not an input of the model"));
            if (!len.dtype().equals("int64") || len.isShared() || len.rank() != 1 || len.batchAxis() != 0) {
                throw invalid("lengths input '" + len.name() + "' of '" + t.name() + "' must be int64 with shape [-1], was "
                        + len.dtype() + java.util.Arrays.toString(len.shape()) + (len.isShared() ? " shared" : ""));
            }
        }
    }

    private static void checkFields(String prefix, JsonNode node, List<String> required, Set<String> optional) {
        for (String f : required) {
            if (!node.has(f) || node.get(f).isNull()) {
                throw invalid("missing field '" + prefix + f + "'");
            }
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!required.contains(f) && !optional.contains(f)) {
                throw invalid("unknown field '" + prefix + f + "'");
            }
        }
    }

    private static int intField(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (!v.isInt()) {
            throw invalid("field '" + field + "' must be an integer");
        }
        return v.intValue();
    }

    private static String textField(JsonNode node, String field) {
        return textField(node, field, field);
    }

    private static String textField(JsonNode node, String field, String path) {
        JsonNode v = node.get(field);
        if (v == null || !v.isTextual()) {
            throw invalid("field '" + path + "' must be a string");
        }
        if (v.textValue().isBlank() && !path.equals("description") && !path.equals("weights.note")) {
            throw invalid("field '" + path + "' must not be empty");
        }
        return v.textValue();
    }

    private static JsonNode objectField(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (!v.isObject()) {
            throw invalid("field '" + field + "' must be an object");
        }
        return v;
    }

    private static String fileName(String file, String what) {
        if (file.isEmpty() || file.contains("/") || file.contains("\\") || file.equals(".") || file.equals("..")) {
            throw invalid(what + " '" + file + "' must be a plain file name inside the package");
        }
        return file;
    }

    private static List<TensorSpec> concat(List<TensorSpec> a, List<TensorSpec> b) {
        List<TensorSpec> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private static InvalidModelPackageException invalid(String what) {
        return new InvalidModelPackageException("model.json: " + what);
    }
}
