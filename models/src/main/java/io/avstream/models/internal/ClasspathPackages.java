package io.avstream.models.internal;

import io.avstream.models.InvalidModelPackageException;
import io.avstream.models.ModelManifest;
import io.avstream.models.ModelPackage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * Extracts model packages from class-path resources under {@value #ROOT}/&lt;name&gt;/ to a
 * temporary directory, once per JVM and name; the directory is deleted when the JVM exits.
 */
public final class ClasspathPackages {
    /** The class-path folder that holds one sub-folder per package. */
    public static final String ROOT = "avstream-models";

    private static final Map<String, Path> EXTRACTED = new ConcurrentHashMap<>();
    private static volatile Path tempRoot;

    private ClasspathPackages() {
    }

    /** Returns the directory holding the extracted package {@code name}, extracting it the first time. */
    public static Path extract(String name, ClassLoader loader) {
        if (name == null || !name.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
            throw new IllegalArgumentException("model package name must match [A-Za-z0-9][A-Za-z0-9._-]*, was '"
                    + name + "'");
        }
        return EXTRACTED.computeIfAbsent(name, n -> doExtract(n, loader));
    }

    private static Path doExtract(String name, ClassLoader loader) {
        String base = ROOT + "/" + name + "/";
        byte[] json = read(loader, base + ModelPackage.MANIFEST_FILE);
        if (json == null) {
            throw new InvalidModelPackageException("no model package '" + name + "' on the class path (looked for "
                    + base + ModelPackage.MANIFEST_FILE + ")");
        }
        ModelManifest manifest = ModelManifest.parse(new String(json, StandardCharsets.UTF_8));
        Set<String> files = new LinkedHashSet<>();
        files.add(ModelPackage.ONNX_FILE);
        manifest.labelsFile().ifPresent(files::add);
        files.addAll(manifest.sha256().keySet());
        try {
            Path dir = Files.createDirectories(tempRoot().resolve(name));
            Files.write(dir.resolve(ModelPackage.MANIFEST_FILE), json);
            for (String file : files) {
                try (InputStream in = loader.getResourceAsStream(base + file)) {
                    if (in == null) {
                        throw new InvalidModelPackageException("model package '" + name + "' on the class path has no "
                                + base + file);
                    }
                    Files.copy(in, dir.resolve(file), StandardCopyOption.REPLACE_EXISTING);
                }
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot extract model package '" + name + "' from the class path", e);
        }
    }

    private static byte[] read(ClassLoader loader, String resource) {
        try (InputStream in = loader.getResourceAsStream(resource)) {
            return in == null ? null : in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static synchronized Path tempRoot() throws IOException {
        if (tempRoot == null) {
            Path root = Files.createTempDirectory("avstream-models-");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteRecursively(root), "avstream-models-cleanup"));
            tempRoot = root;
        }
        return tempRoot;
    }

    private static void deleteRecursively(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException ignored) {
            // best effort at JVM exit
        }
    }
}
