package io.avstream.schemas;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecordBase;

/**
 * Writes and reads one record type in Avro single-object encoding, the format of every avstream Kafka value.
 *
 * <p>Wire format: {@code 0xC3 0x01}, the 8-byte little-endian CRC-64-AVRO fingerprint of the writer
 * schema's Parsing Canonical Form, then the Avro binary body. {@link #decode} accepts data written with
 * the current schema or with any released version ({@link SchemaReleases}) and resolves it into the
 * current class. Every malformed input ends in an {@link IOException}, never a runtime exception; an
 * unknown fingerprint ends in a {@link SchemaMismatchException}.
 *
 * <pre>{@code
 * AvroCodec<AudioChunk> codec = AvroCodec.forClass(AudioChunk.class);
 * byte[] value = codec.encode(chunk);
 * try {
 *   AudioChunk back = codec.decode(value);
 * } catch (IOException e) {
 *   ReasonCode reason = AvroCodec.reasonFor(e);   // WRONG_SCHEMA or UNDECODABLE
 * }
 * }</pre>
 *
 * <p>Instances are thread-safe and serializable (Flink ships them inside functions); the Avro encoder and
 * decoder are transient and built on first use.
 */
public final class AvroCodec<T extends SpecificRecordBase> implements Serializable {

  private static final long serialVersionUID = 1L;

  /** Length of the single-object header: two marker bytes and the 8-byte fingerprint. */
  public static final int HEADER_LENGTH = 10;

  private static final byte MAGIC_0 = (byte) 0xC3;
  private static final byte MAGIC_1 = (byte) 0x01;

  private final Class<T> type;
  /** Extra writer schemas (JSON) besides the released ones; kept as text so the codec stays serializable. */
  private final List<String> extraWriterSchemas;

  private transient volatile Codecs<T> codecs;

  private AvroCodec(Class<T> type, List<String> extraWriterSchemas) {
    this.type = Objects.requireNonNull(type, "type");
    this.extraWriterSchemas = extraWriterSchemas;
  }

  /**
   * Creates the codec of a generated record class. Fails fast when the class has no Avro schema or a
   * released schema file cannot be read.
   */
  public static <T extends SpecificRecordBase> AvroCodec<T> forClass(Class<T> type) {
    AvroCodec<T> codec = new AvroCodec<>(type, List.of());
    codec.codecs();
    return codec;
  }

  /** As {@link #forClass}, also accepting data written with the given writer schemas. */
  static <T extends SpecificRecordBase> AvroCodec<T> withWriterSchemas(Class<T> type, Schema... writers) {
    List<String> json = new ArrayList<>();
    for (Schema writer : writers) {
      json.add(writer.toString());
    }
    AvroCodec<T> codec = new AvroCodec<>(type, Collections.unmodifiableList(json));
    codec.codecs();
    return codec;
  }

  /** The record class. */
  public Class<T> type() {
    return type;
  }

  /** The current (reader and writer) schema of the record class. */
  public Schema schema() {
    return codecs().schema;
  }

  /** CRC-64-AVRO fingerprint of the current schema, as written (little-endian) in every encoded header. */
  public long fingerprint() {
    return codecs().fingerprint;
  }

  /**
   * Encodes a record with the current schema.
   *
   * @throws IllegalArgumentException when the record cannot be encoded, e.g. a required field is null
   */
  public byte[] encode(T record) {
    Objects.requireNonNull(record, "record");
    ByteBuffer buffer;
    try {
      buffer = codecs().encoder.encode(record);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode " + type.getSimpleName(), e);
    } catch (AvroRuntimeException | NullPointerException | ClassCastException e) {
      throw new IllegalArgumentException("cannot encode " + type.getSimpleName() + ": " + e.getMessage(), e);
    }
    if (buffer.hasArray() && buffer.arrayOffset() == 0 && buffer.position() == 0
        && buffer.remaining() == buffer.array().length) {
      return buffer.array();
    }
    byte[] bytes = new byte[buffer.remaining()];
    buffer.get(bytes);
    return bytes;
  }

  /**
   * Encodes a record with the schema of a release ({@link SchemaReleases#versions()}), for producers that
   * must keep writing what consumers not yet upgraded can read (e.g. {@code v1} while jobs of that
   * release still run). Fields the release does not have are left out; a record that holds anything but
   * the default in such a field is refused, so no meaning is lost without notice.
   *
   * @throws IllegalArgumentException when the release does not exist, lacks this record, or cannot carry
   *     the record's values
   */
  public byte[] encodeAs(String release, T record) {
    Objects.requireNonNull(record, "record");
    Codecs<T> c = codecs();
    Release r = c.releases.computeIfAbsent(release, v -> new Release(c.schema, c.model, v, type.getSimpleName()));
    if (r.fingerprint == c.fingerprint) {
      return encode(record);
    }
    for (Schema.Field f : r.dropped) {
      Object value = record.get(f.pos());
      if (!f.hasDefaultValue() || c.model.compare(value, c.model.getDefaultValue(f), f.schema()) != 0) {
        throw new IllegalArgumentException(type.getSimpleName() + "." + f.name() + " = " + value
            + " cannot be written in release " + release + ", which does not have that field");
      }
    }
    try {
      ByteArrayOutputStream body = new ByteArrayOutputStream(256);
      BinaryEncoder out = EncoderFactory.get().directBinaryEncoder(body, null);
      r.currentWriter.write(record, out);
      out.flush();
      BinaryDecoder in = DecoderFactory.get().binaryDecoder(body.toByteArray(), null);
      GenericRecord old = r.reader.read(null, in);
      ByteBuffer framed = r.encoder.encode(old);
      byte[] bytes = new byte[framed.remaining()];
      framed.get(bytes);
      return bytes;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode " + type.getSimpleName() + " as release " + release, e);
    } catch (AvroRuntimeException | NullPointerException | ClassCastException e) {
      throw new IllegalArgumentException("cannot encode " + type.getSimpleName() + ": " + e.getMessage(), e);
    }
  }

  /**
   * Decodes one record written with the current or any released schema version. The record's {@code bytes}
   * fields are slices of {@code bytes}, not copies (a 24 KB mesh or an audio chunk is not copied again):
   * leave the array as it is while the record is in use.
   *
   * @throws SchemaMismatchException when the framing is valid but the writer fingerprint is unknown
   * @throws IOException for anything else that is not exactly one valid record
   */
  public T decode(byte[] bytes) throws IOException {
    Codecs<T> c = codecs();
    Schema writer = writerSchema(c, bytes);
    BodyValidator.check(writer, bytes, HEADER_LENGTH);
    try {
      // the body straight from the array (the validator found exactly one datum there), its bytes values
      // as slices of the array rather than copies
      return c.readers.get(headerFingerprint(bytes)).read(null, new ArrayDecoder(bytes, HEADER_LENGTH, bytes.length));
    } catch (IOException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new IOException("cannot decode " + type.getSimpleName() + ": " + e, e);
    }
  }

  /**
   * Says why bytes cannot be decoded, without building the record.
   *
   * @return {@link ReasonCode#WRONG_SCHEMA}, {@link ReasonCode#UNDECODABLE}, or null when the bytes hold
   *     exactly one valid record of a known schema version
   */
  public ReasonCode classify(byte[] bytes) {
    try {
      Codecs<T> c = codecs();
      BodyValidator.check(writerSchema(c, bytes), bytes, HEADER_LENGTH);
      return null;
    } catch (IOException e) {
      return reasonFor(e);
    }
  }

  /** Maps a failure of {@link #decode} to its dead-letter reason: WRONG_SCHEMA or UNDECODABLE. */
  public static ReasonCode reasonFor(IOException failure) {
    return failure instanceof SchemaMismatchException ? ReasonCode.WRONG_SCHEMA : ReasonCode.UNDECODABLE;
  }

  /** True when the bytes start with the single-object marker {@code 0xC3 0x01} and hold a full header. */
  public static boolean hasSingleObjectHeader(byte[] bytes) {
    return bytes != null && bytes.length >= HEADER_LENGTH && bytes[0] == MAGIC_0 && bytes[1] == MAGIC_1;
  }

  /** Reads the writer fingerprint from a single-object header; call only when {@link #hasSingleObjectHeader}. */
  public static long headerFingerprint(byte[] bytes) {
    long fingerprint = 0;
    for (int i = 0; i < 8; i++) {
      fingerprint |= (bytes[2 + i] & 0xffL) << (8 * i);
    }
    return fingerprint;
  }

  private Schema writerSchema(Codecs<T> c, byte[] bytes) throws IOException {
    if (bytes == null) {
      throw new IOException("no bytes (null value)");
    }
    if (!hasSingleObjectHeader(bytes)) {
      if (bytes.length >= 2 && bytes[0] == MAGIC_0 && bytes[1] == MAGIC_1) {
        throw new IOException("truncated: " + bytes.length + " bytes, a single-object header has "
            + HEADER_LENGTH);
      }
      throw new IOException("not Avro single-object encoding: "
          + (bytes.length < 2 ? bytes.length + " bytes"
              : String.format("starts with 0x%02x 0x%02x, expected 0xc3 0x01", bytes[0], bytes[1])));
    }
    long fingerprint = headerFingerprint(bytes);
    Schema writer = c.writers.get(fingerprint);
    if (writer == null) {
      throw new SchemaMismatchException(c.schema.getFullName(), fingerprint);
    }
    return writer;
  }

  private Codecs<T> codecs() {
    Codecs<T> c = codecs;
    if (c == null) {
      c = new Codecs<>(type, extraWriterSchemas);
      codecs = c;
    }
    return c;
  }

  @Override
  public String toString() {
    return "AvroCodec[" + type.getName() + "]";
  }

  /**
   * A released schema of the record to write with, the current fields it does not have, and the
   * (thread-safe) Avro writers and reader that turn a current record into one of that release.
   */
  private static final class Release {
    final Schema schema;
    final long fingerprint;
    final List<Schema.Field> dropped = new ArrayList<>();
    final BinaryMessageEncoder<GenericRecord> encoder;
    final SpecificDatumWriter<Object> currentWriter;
    final GenericDatumReader<GenericRecord> reader;

    Release(Schema current, SpecificData model, String version, String recordName) {
      this.schema = SchemaReleases.find(version, recordName).orElseThrow(() -> new IllegalArgumentException(
          "no release " + version + " of " + recordName + "; released: " + SchemaReleases.versions()));
      this.fingerprint = SchemaNormalization.parsingFingerprint64(schema);
      for (Schema.Field f : current.getFields()) {
        if (schema.getField(f.name()) == null) {
          dropped.add(f);
        }
      }
      this.encoder = new BinaryMessageEncoder<>(GenericData.get(), schema);
      this.currentWriter = new SpecificDatumWriter<>(current, model);
      this.reader = new GenericDatumReader<>(current, schema, GenericData.get());
    }
  }

  /** The transient state: schemas by fingerprint, the Avro encoder and decoder. */
  private static final class Codecs<T> {
    final SpecificData model;
    final Map<String, Release> releases = new ConcurrentHashMap<>();
    final Schema schema;
    final long fingerprint;
    final Map<Long, Schema> writers = new HashMap<>();
    final BinaryMessageEncoder<T> encoder;
    /** Per writer fingerprint, a reader that resolves that writer's data into the current class (thread-safe). */
    final Map<Long, SpecificDatumReader<T>> readers = new HashMap<>();

    Codecs(Class<T> type, List<String> extraWriterSchemas) {
      this.model = SpecificData.getForClass(type);
      Schema current = model.getSchema(type);
      if (current == null || current.getType() != Schema.Type.RECORD) {
        throw new IllegalArgumentException(type.getName() + " is not a generated Avro record class");
      }
      this.schema = current;
      this.fingerprint = SchemaNormalization.parsingFingerprint64(current);
      writers.put(fingerprint, current);

      List<Schema> earlier = new ArrayList<>(SchemaReleases.allOf(type.getSimpleName()));
      for (String json : extraWriterSchemas) {
        earlier.add(new Schema.Parser().parse(json));
      }
      for (Schema writer : earlier) {
        if (!writer.getFullName().equals(current.getFullName())) {
          throw new IllegalStateException("writer schema " + writer.getFullName() + " is not a version of "
              + current.getFullName());
        }
        writers.put(SchemaNormalization.parsingFingerprint64(writer), writer);
      }
      this.encoder = new BinaryMessageEncoder<>(model, current);
      for (Map.Entry<Long, Schema> w : writers.entrySet()) {
        readers.put(w.getKey(), new SpecificDatumReader<>(w.getValue(), current, model));
      }
    }
  }
}
