package io.avstream.tools.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** A recording bundled on the class path as {@code <resource>.flac} with its truth in {@code <resource>.json}. */
final class BundledRecording {
    private BundledRecording() {}

    /** The recording's truth. */
    static JsonNode truth(String resource) {
        try (InputStream in = BundledRecording.class.getResourceAsStream(resource + ".json")) {
            if (in == null) {
                throw new IllegalStateException(resource + ".json is not on the classpath");
            }
            return new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The recording copied to {@code dir/fileName} (FFmpeg reads files, not class-path resources). */
    static Path copy(String resource, Path dir, String fileName) {
        Path out = dir.resolve(fileName);
        try (InputStream in = BundledRecording.class.getResourceAsStream(resource + ".flac")) {
            if (in == null) {
                throw new IllegalStateException(resource + ".flac is not on the classpath");
            }
            Files.copy(in, out, StandardCopyOption.REPLACE_EXISTING);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
