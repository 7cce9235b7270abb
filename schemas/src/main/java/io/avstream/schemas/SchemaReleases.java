package io.avstream.schemas;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.apache.avro.Schema;

/**
 * The released (frozen) schema versions shipped on the class path under {@code avstream/schemas/}.
 *
 * <p>{@code avstream/schemas/releases.txt} lists the version folders, oldest first; each folder holds one
 * self-contained {@code <RecordName>.avsc} per topic record (named types inlined).
 */
public final class SchemaReleases {

  /** Class-path folder of the released schemas. */
  public static final String RESOURCE_ROOT = "avstream/schemas/";

  /** Class-path resource listing the released versions. */
  public static final String RELEASES_RESOURCE = RESOURCE_ROOT + "releases.txt";

  /** Namespace of every avstream record. */
  public static final String NAMESPACE = "io.avstream.schemas";

  private static final List<String> VERSIONS = loadVersions();

  private SchemaReleases() {}

  /** The released versions (folder names such as {@code v1}), oldest first. */
  public static List<String> versions() {
    return VERSIONS;
  }

  /** The newest released version. */
  public static String latest() {
    return VERSIONS.get(VERSIONS.size() - 1);
  }

  /** Class-path resource name of one record's schema in one version. */
  public static String resourcePath(String version, String recordName) {
    return RESOURCE_ROOT + version + "/" + recordName + ".avsc";
  }

  /** One record's schema as released in one version, or empty when that version lacks the record. */
  public static Optional<Schema> find(String version, String recordName) {
    String path = resourcePath(version, recordName);
    try (InputStream in = classLoader().getResourceAsStream(path)) {
      if (in == null) {
        return Optional.empty();
      }
      Schema schema = new Schema.Parser().parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
      String expected = NAMESPACE + "." + recordName;
      if (!schema.getFullName().equals(expected)) {
        throw new IllegalStateException(path + " defines " + schema.getFullName() + ", expected " + expected);
      }
      return Optional.of(schema);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + path, e);
    }
  }

  /** Every released schema of one record, oldest first; empty for a record that was never released. */
  public static List<Schema> allOf(String recordName) {
    List<Schema> schemas = new ArrayList<>();
    for (String version : VERSIONS) {
      find(version, recordName).ifPresent(schemas::add);
    }
    return schemas;
  }

  private static List<String> loadVersions() {
    try (InputStream in = classLoader().getResourceAsStream(RELEASES_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RELEASES_RESOURCE + " is missing from the class path");
      }
      List<String> versions = new ArrayList<>();
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        String version = line.strip();
        if (!version.isEmpty() && !version.startsWith("#")) {
          versions.add(version);
        }
      }
      if (versions.isEmpty()) {
        throw new IllegalStateException(RELEASES_RESOURCE + " lists no version");
      }
      return Collections.unmodifiableList(versions);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + RELEASES_RESOURCE, e);
    }
  }

  private static ClassLoader classLoader() {
    return SchemaReleases.class.getClassLoader();
  }
}
