package io.avstream.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificRecordBase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class AvroCodecTest {

  static List<SpecificRecordBase> records() {
    return SampleRecords.all();
  }

  @SuppressWarnings("unchecked")
  private static <T extends SpecificRecordBase> AvroCodec<T> codecOf(T record) {
    return AvroCodec.forClass((Class<T>) record.getClass());
  }

  @ParameterizedTest
  @MethodSource("records")
  <T extends SpecificRecordBase> void roundTripsEveryRecordType(T record) throws IOException {
    AvroCodec<T> codec = codecOf(record);

    T back = codec.decode(codec.encode(record));

    assertThat(back).isEqualTo(record);
    assertThat(codec.classify(codec.encode(record))).isNull();
  }

  @ParameterizedTest
  @MethodSource("records")
  <T extends SpecificRecordBase> void writesSingleObjectHeaderWithLittleEndianFingerprint(T record) {
    AvroCodec<T> codec = codecOf(record);

    byte[] bytes = codec.encode(record);

    long fingerprint = SchemaNormalization.parsingFingerprint64(record.getSchema());
    assertThat(bytes[0]).isEqualTo((byte) 0xC3);
    assertThat(bytes[1]).isEqualTo((byte) 0x01);
    for (int i = 0; i < 8; i++) {
      assertThat(bytes[2 + i]).isEqualTo((byte) (fingerprint >>> (8 * i)));
    }
    assertThat(AvroCodec.headerFingerprint(bytes)).isEqualTo(fingerprint).isEqualTo(codec.fingerprint());
  }

  @Test
  void bytesFieldsAreSlicesOfTheInputNotCopies() throws Exception {
    AvroCodec<MocapFrame> codec = AvroCodec.forClass(MocapFrame.class);
    MocapFrame frame = SampleRecords.mocapFrame();
    byte[] bytes = codec.encode(frame);

    ByteBuffer vertices = codec.decode(bytes).getVertices();

    assertThat(vertices).isEqualTo(frame.getVertices());
    assertThat(vertices.hasArray()).isTrue();
    assertThat(vertices.array()).isSameAs(bytes);
    assertThat(vertices.position()).isZero();
    assertThat(vertices.remaining()).isEqualTo(frame.getVertices().remaining());
    // a second record decoded from the same kind of input shares nothing with the first
    byte[] other = codec.encode(MocapFrame.newBuilder(frame).setSeq(frame.getSeq() + 1).build());
    assertThat(codec.decode(other).getVertices().array()).isSameAs(other);
  }

  @Test
  void decodesWithFreshCodecAfterJavaSerialization() throws Exception {
    AvroCodec<Prediction> codec = AvroCodec.forClass(Prediction.class);
    byte[] bytes = codec.encode(SampleRecords.prediction());

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ObjectOutputStream oos = new ObjectOutputStream(out)) {
      oos.writeObject(codec);
    }
    @SuppressWarnings("unchecked")
    AvroCodec<Prediction> copy = (AvroCodec<Prediction>)
        new ObjectInputStream(new ByteArrayInputStream(out.toByteArray())).readObject();

    assertThat(copy.decode(bytes)).isEqualTo(SampleRecords.prediction());
    assertThat(copy.encode(SampleRecords.prediction())).isEqualTo(bytes);
  }

  @Test
  void rejectsRandomBytesWithIoException() {
    AvroCodec<MocapFrame> codec = AvroCodec.forClass(MocapFrame.class);
    Random random = new Random(1);
    for (int i = 0; i < 20_000; i++) {
      byte[] garbage = new byte[random.nextInt(64)];
      random.nextBytes(garbage);
      if (i % 2 == 0 && garbage.length >= 2) {
        garbage[0] = (byte) 0xC3; // half of them with the marker, to reach the fingerprint check
        garbage[1] = 0x01;
      }
      assertDecodeFailsWithIoException(codec, garbage);
      assertThat(codec.classify(garbage)).isIn(ReasonCode.UNDECODABLE, ReasonCode.WRONG_SCHEMA);
    }
  }

  @Test
  void rejectsRandomBodiesBehindAValidHeaderWithoutRuntimeExceptions() {
    AvroCodec<Prediction> codec = AvroCodec.forClass(Prediction.class);
    byte[] valid = codec.encode(SampleRecords.prediction());
    Random random = new Random(2);
    for (int i = 0; i < 20_000; i++) {
      byte[] bytes = Arrays.copyOf(valid, AvroCodec.HEADER_LENGTH + random.nextInt(200));
      for (int j = AvroCodec.HEADER_LENGTH; j < bytes.length; j++) {
        bytes[j] = (byte) random.nextInt();
      }
      assertDecodeNeverThrowsRuntimeException(codec, bytes);
    }
  }

  @Test
  void corruptedRecordsEitherDecodeOrFailWithIoException() {
    AvroCodec<Prediction> codec = AvroCodec.forClass(Prediction.class);
    byte[] valid = codec.encode(SampleRecords.prediction());
    Random random = new Random(3);
    for (int i = 0; i < 20_000; i++) {
      byte[] bytes = valid.clone();
      for (int flips = 1 + random.nextInt(3); flips > 0; flips--) {
        int at = AvroCodec.HEADER_LENGTH + random.nextInt(bytes.length - AvroCodec.HEADER_LENGTH);
        bytes[at] = (byte) random.nextInt();
      }
      assertDecodeNeverThrowsRuntimeException(codec, bytes);
    }
  }

  @ParameterizedTest
  @MethodSource("records")
  <T extends SpecificRecordBase> void rejectsEveryTruncation(T record) {
    AvroCodec<T> codec = codecOf(record);
    byte[] bytes = codec.encode(record);

    for (int length = 0; length < bytes.length; length++) {
      byte[] truncated = Arrays.copyOf(bytes, length);
      assertDecodeFailsWithIoException(codec, truncated);
      assertThat(codec.classify(truncated)).as("prefix of %d bytes", length).isEqualTo(ReasonCode.UNDECODABLE);
    }
  }

  @Test
  void rejectsTrailingBytes() {
    AvroCodec<VideoFrame> codec = AvroCodec.forClass(VideoFrame.class);
    byte[] bytes = codec.encode(SampleRecords.videoFrame());
    byte[] longer = Arrays.copyOf(bytes, bytes.length + 1);

    assertThatThrownBy(() -> codec.decode(longer))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("1 unexpected bytes after the end of the VideoFrame record");
  }

  @Test
  void rejectsHugeDeclaredLengthBeforeAllocating() {
    AvroCodec<MocapFrame> codec = AvroCodec.forClass(MocapFrame.class);
    byte[] header = Arrays.copyOf(codec.encode(SampleRecords.mocapFrame()), AvroCodec.HEADER_LENGTH);
    byte[] bytes = Arrays.copyOf(header, header.length + 5);
    // stream_id length: zig-zag varint of 2^30
    bytes[10] = (byte) 0x80;
    bytes[11] = (byte) 0x80;
    bytes[12] = (byte) 0x80;
    bytes[13] = (byte) 0x80;
    bytes[14] = (byte) 0x08;

    assertThatThrownBy(() -> codec.decode(bytes))
        .isInstanceOf(IOException.class)
        .isNotInstanceOf(SchemaMismatchException.class)
        .hasMessageContaining("length of string is 1073741824 but only 0 bytes left");
  }

  @Test
  void refusesStringsThatAreNotValidUtf8InsteadOfReplacingTheBadBytes() throws IOException {
    AvroCodec<MocapFrame> codec = AvroCodec.forClass(MocapFrame.class);
    byte[] valid = codec.encode(MocapFrame.newBuilder(SampleRecords.mocapFrame()).setStreamId("s#").build());
    // header, then stream_id: zig-zag length 2, 's', '#'
    assertThat(valid[10]).isEqualTo((byte) 4);
    byte[] ff = valid.clone();
    ff[12] = (byte) 0xFF;
    byte[] overlong = valid.clone();
    overlong[11] = (byte) 0xC0; // C0 AF: an overlong '/'
    overlong[12] = (byte) 0xAF;

    for (byte[] bad : List.of(ff, overlong)) {
      assertThatThrownBy(() -> codec.decode(bad))
          .isInstanceOf(IOException.class)
          .isNotInstanceOf(SchemaMismatchException.class)
          .hasMessageContaining("string of 2 bytes is not valid UTF-8");
      assertThat(codec.classify(bad)).isEqualTo(ReasonCode.UNDECODABLE);
    }
    // valid UTF-8 passes, the replacement character and characters beyond the BMP included
    for (String id : List.of("s\uFFFD", "s\uD83C\uDFA5", "sensor-\u00e9")) {
      MocapFrame f = MocapFrame.newBuilder(SampleRecords.mocapFrame()).setStreamId(id).build();
      assertThat(codec.decode(codec.encode(f)).getStreamId()).isEqualTo(id);
    }
  }

  @Test
  void recordOfAnotherTypeIsSchemaMismatch() {
    AvroCodec<MocapFrame> mocap = AvroCodec.forClass(MocapFrame.class);
    byte[] audio = AvroCodec.forClass(AudioChunk.class).encode(SampleRecords.audioChunk());

    assertThatThrownBy(() -> mocap.decode(audio))
        .isInstanceOf(SchemaMismatchException.class)
        .hasMessageContaining("is not a known version of io.avstream.schemas.MocapFrame")
        .satisfies(e -> assertThat(AvroCodec.reasonFor((IOException) e)).isEqualTo(ReasonCode.WRONG_SCHEMA));
    assertThat(mocap.classify(audio)).isEqualTo(ReasonCode.WRONG_SCHEMA);
  }

  @Test
  void classifiesBytesWithoutMarkerAsUndecodable() {
    AvroCodec<MocapFrame> codec = AvroCodec.forClass(MocapFrame.class);
    byte[] json = "{\"stream_id\":\"x\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8);

    assertThatThrownBy(() -> codec.decode(json))
        .isInstanceOf(IOException.class)
        .isNotInstanceOf(SchemaMismatchException.class)
        .hasMessageContaining("not Avro single-object encoding: starts with 0x7b 0x22");
    assertThat(codec.classify(json)).isEqualTo(ReasonCode.UNDECODABLE);
    assertThat(codec.classify(null)).isEqualTo(ReasonCode.UNDECODABLE);
    assertThat(codec.classify(new byte[0])).isEqualTo(ReasonCode.UNDECODABLE);
  }

  @Test
  void decodesDataWrittenWithAnOlderWriterSchemaIntoTheCurrentClass() throws IOException {
    Schema older = withoutField(MocapFrame.getClassSchema(), "annotation");
    GenericRecord frame = new GenericData.Record(older);
    MocapFrame current = SampleRecords.mocapFrame();
    for (Schema.Field field : older.getFields()) {
      Object value = current.get(field.name());
      if (value instanceof VertexLayout) {
        value = new GenericData.EnumSymbol(field.schema(), value.toString());
      }
      frame.put(field.name(), value);
    }
    byte[] bytes = toArray(new BinaryMessageEncoder<GenericRecord>(GenericData.get(), older).encode(frame));

    assertThatThrownBy(() -> AvroCodec.forClass(MocapFrame.class).decode(bytes))
        .isInstanceOf(SchemaMismatchException.class);

    MocapFrame decoded = AvroCodec.withWriterSchemas(MocapFrame.class, older).decode(bytes);

    assertThat(decoded.getAnnotation()).isNull();
    assertThat(decoded.getVertices()).isEqualTo(current.getVertices());
    assertThat(decoded.getSeq()).isEqualTo(current.getSeq());
  }

  @Test
  void encodeRejectsIncompleteRecord() {
    AvroCodec<AudioChunk> codec = AvroCodec.forClass(AudioChunk.class);
    AudioChunk incomplete = new AudioChunk(); // stream_id and samples are null

    assertThatThrownBy(() -> codec.encode(incomplete))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("cannot encode AudioChunk");
  }

  static byte[] toArray(java.nio.ByteBuffer buffer) {
    byte[] bytes = new byte[buffer.remaining()];
    buffer.duplicate().get(bytes);
    return bytes;
  }

  private static Schema withoutField(Schema schema, String name) {
    List<Schema.Field> fields = schema.getFields().stream()
        .filter(f -> !f.name().equals(name))
        .map(f -> new Schema.Field(f, f.schema()))
        .collect(Collectors.toList());
    return Schema.createRecord(schema.getName(), schema.getDoc(), schema.getNamespace(), false, fields);
  }

  @Test
  void writesAnEarlierReleaseThatItsReadersDecode() throws IOException {
    AvroCodec<MocapFrame> codec = AvroCodec.forClass(MocapFrame.class);
    MocapFrame frame = SampleRecords.mocapFrame();
    Schema v1 = SchemaReleases.find("v1", "MocapFrame").orElseThrow();

    byte[] bytes = codec.encodeAs("v1", frame);

    assertThat(SchemaMismatchException.hex(AvroCodec.headerFingerprint(bytes))).isEqualTo("eedf87d373023f9a");
    assertThat(AvroCodec.headerFingerprint(bytes)).isEqualTo(SchemaNormalization.parsingFingerprint64(v1));
    assertThat(codec.decode(bytes)).isEqualTo(frame);
    assertThat(bytes.length).isLessThan(codec.encode(frame).length);
    assertThat(codec.encodeAs(SchemaReleases.latest(), frame)).isEqualTo(codec.encode(frame));
  }

  @Test
  void refusesAnEarlierReleaseThatCannotCarryTheValues() {
    AvroCodec<MocapFrame> codec = AvroCodec.forClass(MocapFrame.class);
    MocapFrame zUp = MocapFrame.newBuilder(SampleRecords.mocapFrame()).setUpAxis(UpAxis.Z_UP).build();
    MocapFrame millimetres = MocapFrame.newBuilder(SampleRecords.mocapFrame()).setLengthUnit(LengthUnit.MILLIMETRE).build();

    assertThatThrownBy(() -> codec.encodeAs("v1", zUp)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("MocapFrame.up_axis = Z_UP").hasMessageContaining("release v1");
    assertThatThrownBy(() -> codec.encodeAs("v1", millimetres)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("length_unit = MILLIMETRE");
    assertThatThrownBy(() -> codec.encodeAs("v0", SampleRecords.mocapFrame())).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no release v0 of MocapFrame");
  }

  private static void assertDecodeFailsWithIoException(AvroCodec<?> codec, byte[] bytes) {
    try {
      codec.decode(bytes);
      fail("decoded %d bytes of garbage: %s", bytes.length, Arrays.toString(bytes));
    } catch (IOException expected) {
      // the contract
    } catch (RuntimeException e) {
      throw new AssertionError("runtime exception for " + Arrays.toString(bytes), e);
    }
  }

  private static void assertDecodeNeverThrowsRuntimeException(AvroCodec<?> codec, byte[] bytes) {
    ReasonCode expected = null;
    try {
      codec.decode(bytes);
    } catch (IOException e) {
      expected = AvroCodec.reasonFor(e);
    } catch (RuntimeException e) {
      throw new AssertionError("runtime exception for " + Arrays.toString(bytes), e);
    }
    assertThat(codec.classify(bytes)).as("classify agrees with decode").isEqualTo(expected);
  }
}
