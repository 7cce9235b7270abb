package io.avstream.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.message.BinaryMessageEncoder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SchemaCompatibilityTest {

  private static final Path RELEASED = Paths.get("src/main/resources/avstream/schemas");

  private static final Map<String, Schema> CURRENT = Map.of(
      "MocapFrame", MocapFrame.getClassSchema(),
      "AudioChunk", AudioChunk.getClassSchema(),
      "VideoFrame", VideoFrame.getClassSchema(),
      "Prediction", Prediction.getClassSchema(),
      "SpeakerEnrolment", SpeakerEnrolment.getClassSchema(),
      "DeadLetter", DeadLetter.getClassSchema());

  static Stream<Arguments> releasedSchemas() {
    List<Arguments> all = new ArrayList<>();
    for (String version : SchemaReleases.versions()) {
      for (String name : SampleRecords.TOPIC_RECORDS) {
        SchemaReleases.find(version, name).ifPresent(s -> all.add(Arguments.of(version, name, s)));
      }
    }
    return all.stream();
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("releasedSchemas")
  void currentSchemaIsFullyCompatibleWithEveryReleasedVersion(String version, String name, Schema released) {
    Schema current = CURRENT.get(name);

    assertCompatible(current, released);
    assertCompatible(released, current);
  }

  @Test
  void latestReleaseHoldsEveryTopicRecordAsItIsNow() {
    for (String name : SampleRecords.TOPIC_RECORDS) {
      Schema released = SchemaReleases.find(SchemaReleases.latest(), name).orElseThrow(
          () -> new AssertionError(name + " is missing from release " + SchemaReleases.latest()));
      assertThat(SchemaNormalization.toParsingForm(released))
          .as("%s changed since release %s: freeze the new schemas as a new version", name, SchemaReleases.latest())
          .isEqualTo(SchemaNormalization.toParsingForm(CURRENT.get(name)));
    }
  }

  @Test
  void releasedFilesParseStandaloneWithoutJavaProperties() throws IOException {
    for (String version : SchemaReleases.versions()) {
      for (String name : SampleRecords.TOPIC_RECORDS) {
        Path file = RELEASED.resolve(version).resolve(name + ".avsc");
        String json = Files.readString(file, StandardCharsets.UTF_8);
        Schema schema = new Schema.Parser().parse(json);
        assertThat(schema.getFullName()).isEqualTo("io.avstream.schemas." + name);
        assertThat(json).doesNotContain("avro.java.string");
      }
    }
  }

  @Test
  void addingAnOptionalFieldWithDefaultIsAccepted() {
    Schema current = Prediction.getClassSchema();
    Schema evolved = withField(current, new Schema.Field("confidence",
        Schema.createUnion(Schema.create(Schema.Type.NULL), Schema.create(Schema.Type.FLOAT)),
        "Overall confidence.", Schema.Field.NULL_DEFAULT_VALUE));

    assertCompatible(evolved, current);
    assertCompatible(current, evolved);
  }

  @Test
  void removingARequiredFieldIsRejected() {
    Schema current = MocapFrame.getClassSchema();
    Schema evolved = withoutField(current, "topology");

    // new readers ignore the field, but old readers cannot fill it from new data
    assertCompatible(evolved, current);
    assertIncompatible(current, evolved);
  }

  @Test
  void changingAFieldTypeIsRejected() {
    Schema current = AudioChunk.getClassSchema();
    Schema evolved = withFieldType(current, "sample_rate", Schema.create(Schema.Type.STRING));

    assertIncompatible(evolved, current);
    assertIncompatible(current, evolved);
  }

  @Test
  void wideningIntToLongIsOnlyBackwardCompatibleSoRejected() {
    Schema current = VideoFrame.getClassSchema();
    Schema evolved = withFieldType(current, "width", Schema.create(Schema.Type.LONG));

    assertCompatible(evolved, current);
    assertIncompatible(current, evolved);
  }

  @Test
  void recordWrittenWithReleasedV1SchemaDecodesWithCurrentCodec() throws IOException {
    Schema v1 = SchemaReleases.find("v1", "Prediction").orElseThrow();
    Prediction sample = SampleRecords.prediction();
    GenericRecord generic = toGeneric(sample, v1);
    byte[] bytes = AvroCodecTest.toArray(
        new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v1).encode(generic));

    Prediction decoded = AvroCodec.forClass(Prediction.class).decode(bytes);

    assertThat(decoded).isEqualTo(sample);
  }

  @Test
  void clientWithOnlyTheReleasedAvscReadsPredictionsAfterTheHeader() throws IOException {
    byte[] bytes = AvroCodec.forClass(Prediction.class).encode(SampleRecords.prediction());
    Schema fromFile = new Schema.Parser().parse(
        Files.readString(RELEASED.resolve(SchemaReleases.versions().get(SchemaReleases.versions().size() - 1)
            + "/Prediction.avsc"), StandardCharsets.UTF_8));

    assertThat(AvroCodec.headerFingerprint(bytes)).isEqualTo(SchemaNormalization.parsingFingerprint64(fromFile));
    BinaryDecoder body = DecoderFactory.get().binaryDecoder(
        bytes, AvroCodec.HEADER_LENGTH, bytes.length - AvroCodec.HEADER_LENGTH, null);
    GenericRecord read = new GenericDatumReader<GenericRecord>(fromFile).read(null, body);

    assertThat(body.isEnd()).isTrue();
    assertThat(read.get("stream_id")).hasToString("mic-1");
    assertThat(read.get("window_end_us")).isEqualTo(SampleRecords.WINDOW_END_US);
    assertThat(read.get("text")).hasToString("hello world");
    @SuppressWarnings("unchecked")
    List<GenericRecord> labels = (List<GenericRecord>) read.get("labels");
    assertThat(labels).hasSize(2);
    assertThat(labels.get(0).get("name")).hasToString("angry");
    assertThat(labels.get(0).get("score")).isEqualTo(0.7f);
    assertThat(((GenericRecord) read.get("speaker")).get("accepted")).isEqualTo(true);
    assertThat(((GenericRecord) read.get("latency")).get("batch_size")).isEqualTo(8);
    assertThat((ByteBuffer) read.get("embedding")).isEqualTo(ByteBuffer.wrap(new byte[] {0, 0, (byte) 0x80, 0x3f}));
  }

  @Test
  void documentedCrc64AvroMatchesAvro() {
    for (Schema schema : CURRENT.values()) {
      byte[] canonical = SchemaNormalization.toParsingForm(schema).getBytes(StandardCharsets.UTF_8);
      assertThat(crc64Avro(canonical)).isEqualTo(SchemaNormalization.parsingFingerprint64(schema));
    }
  }

  @Test
  void readmeListsTheFingerprintOfEveryReleasedSchema() throws IOException {
    String readme = Files.readString(Paths.get("README.md"), StandardCharsets.UTF_8);
    for (String version : SchemaReleases.versions()) {
      for (String name : SampleRecords.TOPIC_RECORDS) {
        SchemaReleases.find(version, name).ifPresent(schema -> {
          String header = "c301" + SchemaMismatchException.hex(SchemaNormalization.parsingFingerprint64(schema));
          assertThat(readme).as("README row for %s %s", version, name)
              .containsPattern("\\| " + version + " \\| `" + name + "` \\| `" + header + "` \\|");
        });
      }
    }
  }

  /** CRC-64-AVRO exactly as the README describes it for other languages. */
  private static long crc64Avro(byte[] data) {
    final long empty = 0xc15d213aa4d7a795L;
    long[] table = new long[256];
    for (int i = 0; i < 256; i++) {
      long fp = i;
      for (int j = 0; j < 8; j++) {
        fp = (fp >>> 1) ^ (empty & -(fp & 1L));
      }
      table[i] = fp;
    }
    long fp = empty;
    for (byte b : data) {
      fp = (fp >>> 8) ^ table[(int) (fp ^ b) & 0xff];
    }
    return fp;
  }

  private static GenericRecord toGeneric(Prediction prediction, Schema schema) throws IOException {
    // the record as the given (older) schema sees it: its body written with the current schema, resolved into that one
    byte[] bytes = AvroCodec.forClass(Prediction.class).encode(prediction);
    return new GenericDatumReader<GenericRecord>(Prediction.getClassSchema(), schema).read(null, DecoderFactory.get().binaryDecoder(
        bytes, AvroCodec.HEADER_LENGTH, bytes.length - AvroCodec.HEADER_LENGTH, null));
  }

  private static void assertCompatible(Schema reader, Schema writer) {
    SchemaCompatibility.SchemaPairCompatibility result =
        SchemaCompatibility.checkReaderWriterCompatibility(reader, writer);
    assertThat(result.getType())
        .as("reader %s reading writer %s: %s", reader.getFullName(), writer.getFullName(), result.getDescription())
        .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
  }

  private static void assertIncompatible(Schema reader, Schema writer) {
    assertThat(SchemaCompatibility.checkReaderWriterCompatibility(reader, writer).getType())
        .isEqualTo(SchemaCompatibilityType.INCOMPATIBLE);
  }

  private static Schema withField(Schema schema, Schema.Field extra) {
    List<Schema.Field> fields = copyFields(schema, null);
    fields.add(extra);
    return record(schema, fields);
  }

  private static Schema withoutField(Schema schema, String name) {
    return record(schema, copyFields(schema, name));
  }

  private static Schema withFieldType(Schema schema, String name, Schema type) {
    List<Schema.Field> fields = copyFields(schema, null);
    for (int i = 0; i < fields.size(); i++) {
      if (fields.get(i).name().equals(name)) {
        fields.set(i, new Schema.Field(name, type, fields.get(i).doc()));
      }
    }
    return record(schema, fields);
  }

  private static List<Schema.Field> copyFields(Schema schema, String skip) {
    List<Schema.Field> fields = new ArrayList<>();
    for (Schema.Field f : schema.getFields()) {
      if (!f.name().equals(skip)) {
        fields.add(new Schema.Field(f, f.schema()));
      }
    }
    return fields;
  }

  private static Schema record(Schema like, List<Schema.Field> fields) {
    return Schema.createRecord(like.getName(), like.getDoc(), like.getNamespace(), false, fields);
  }
}
