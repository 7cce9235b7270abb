package io.avstream.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;

import io.avstream.models.internal.Hashing;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A package's labels may carry ontology ids (label_ids) and its manifest a postprocessing object. */
class ManifestLabelIdsTest {

    private static String manifest(String extra) {
        return """
                {"format": 1, "name": "m", "version": "1", "task": "t", "architecture": "a",
                 "weights": {"kind": "untrained"},
                 "inputs": [{"name": "x", "dtype": "float32", "shape": [-1, 2]}],
                 "outputs": [{"name": "y", "dtype": "float32", "shape": [-1, 2]}],
                 "activation": "sigmoid", "labels": "labels.txt"%s,
                 "sha256": {"model.onnx": "%s", "labels.txt": "%s"%s}}
                """.formatted(extra, "0".repeat(64), "1".repeat(64),
                extra.contains("label_ids") ? ", \"ids.txt\": \"" + "2".repeat(64) + "\"" : "");
    }

    @Test
    void readsLabelIdsAndPostprocessing() {
        ModelManifest m = ModelManifest.parse(manifest(", \"label_ids\": \"ids.txt\", \"postprocessing\": {\"t\": [0.5, 0.4]}"));
        assertThat(m.labelIdsFile()).contains("ids.txt");
        assertThat(m.postprocessing().path("t").get(1).asDouble()).isEqualTo(0.4);
        assertThat(ModelManifest.parse(m.toJson()).labelIdsFile()).contains("ids.txt");
        assertThat(ModelManifest.parse(manifest("")).postprocessing().isEmpty()).isTrue();
    }

    @Test
    void refusesIdsWithoutTheirChecksumOrWithoutLabels() {
        String noSum = manifest(", \"label_ids\": \"ids.txt\"").replace(", \"ids.txt\": \"" + "2".repeat(64) + "\"", "");
        assertThatThrownBy(() -> ModelManifest.parse(noSum)).hasMessageContaining("sha256 has no entry for 'ids.txt'");
        String noLabels = manifest(", \"label_ids\": \"ids.txt\"").replace("\"activation\": \"sigmoid\", \"labels\": \"labels.txt\"",
                "\"activation\": \"none\"");
        assertThatThrownBy(() -> ModelManifest.parse(noLabels)).hasMessageContaining("'label_ids' needs a 'labels' file");
    }

    @Test
    void aPackageWhoseIdsDoNotMatchItsLabelsIsRefused(@TempDir Path dir) throws Exception {
        Path src = Path.of(ManifestLabelIdsTest.class.getResource("/avstream-models/tiny-model").toURI());
        ModelPackage good = ModelPackage.load(src);
        int labels = good.labels().size();
        try (var files = Files.list(src)) {
            for (Path f : files.toList()) {
                Files.copy(f, dir.resolve(f.getFileName()));
            }
        }
        Files.writeString(dir.resolve("ids.txt"), "/m/1\n".repeat(labels + 1));
        String json = Files.readString(dir.resolve("model.json"));
        json = json.replace("\"labels\": \"labels.txt\"", "\"labels\": \"labels.txt\", \"label_ids\": \"ids.txt\"")
                .replace("\"sha256\": {", "\"sha256\": {\"ids.txt\": \"" + Hashing.sha256(dir.resolve("ids.txt")) + "\", ");
        Files.writeString(dir.resolve("model.json"), json);
        assertThatThrownBy(() -> ModelPackage.load(dir))
                .hasMessageContaining("ids.txt has " + (labels + 1) + " ids but labels.txt has " + labels + " labels");
        Files.writeString(dir.resolve("ids.txt"), "/m/1\n".repeat(labels));
        Files.writeString(dir.resolve("model.json"), json.replaceAll("\"ids.txt\": \"[0-9a-f]{64}\"",
                "\"ids.txt\": \"" + Hashing.sha256(dir.resolve("ids.txt")) + "\""));
        assertThat(ModelPackage.load(dir).labelIds()).hasSize(labels).containsOnly("/m/1");
    }
}
