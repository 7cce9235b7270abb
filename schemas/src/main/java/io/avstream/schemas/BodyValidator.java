package io.avstream.schemas;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.avro.Schema;

/**
 * Walks Avro binary data against its writer schema without building objects, so that malformed input
 * is rejected before the real decoder allocates anything from a length or count it declares.
 *
 * <p>Checks: every varint is well formed and fits its type, every length and block count is non-negative
 * and no larger than the bytes left, every string is valid UTF-8 (malformed sequences are refused, not
 * replaced), every union and enum index is in range, booleans are 0 or 1, and the data ends exactly at
 * the end of the input. Array and map items that take no bytes are bounded by the
 * bytes left like any other item (no avstream schema has such items).
 */
final class BodyValidator {

  private final byte[] bytes;
  private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
      .onMalformedInput(CodingErrorAction.REPORT)
      .onUnmappableCharacter(CodingErrorAction.REPORT);
  private int pos;

  private BodyValidator(byte[] bytes, int offset) {
    this.bytes = bytes;
    this.pos = offset;
  }

  /** Checks that {@code bytes[offset..]} holds exactly one datum of {@code writer}. */
  static void check(Schema writer, byte[] bytes, int offset) throws IOException {
    BodyValidator v = new BodyValidator(bytes, offset);
    v.walk(writer);
    if (v.pos != bytes.length) {
      throw new IOException((bytes.length - v.pos) + " unexpected bytes after the end of the "
          + writer.getName() + " record");
    }
  }

  private void walk(Schema schema) throws IOException {
    switch (schema.getType()) {
      case NULL:
        return;
      case BOOLEAN: {
        int b = take(1) & 0xff;
        if (b > 1) {
          throw malformed("boolean byte " + b);
        }
        return;
      }
      case INT:
        readInt();
        return;
      case LONG:
        readLong();
        return;
      case FLOAT:
        take(4);
        return;
      case DOUBLE:
        take(8);
        return;
      case STRING:
        utf8(length("length of string"));
        return;
      case BYTES:
        skip(length("length of bytes"));
        return;
      case FIXED:
        skip(schema.getFixedSize());
        return;
      case ENUM: {
        int index = readInt();
        if (index < 0 || index >= schema.getEnumSymbols().size()) {
          throw malformed("enum " + schema.getName() + " index " + index + " out of range");
        }
        return;
      }
      case UNION: {
        int index = readInt();
        List<Schema> branches = schema.getTypes();
        if (index < 0 || index >= branches.size()) {
          throw malformed("union index " + index + " out of range");
        }
        walk(branches.get(index));
        return;
      }
      case RECORD: {
        List<Schema.Field> fields = schema.getFields();
        for (int i = 0, n = fields.size(); i < n; i++) {
          walk(fields.get(i).schema());
        }
        return;
      }
      case ARRAY:
        walkBlocks(schema.getElementType(), false);
        return;
      case MAP:
        walkBlocks(schema.getValueType(), true);
        return;
      default:
        throw new IOException("unsupported schema type " + schema.getType());
    }
  }

  private void walkBlocks(Schema item, boolean map) throws IOException {
    while (true) {
      long count = readLong();
      if (count == 0) {
        return;
      }
      if (count < 0) {
        if (count == Long.MIN_VALUE) {
          throw malformed("block count out of range");
        }
        count = -count;
        length("block size"); // byte size of the block: only checked, the items are walked one by one
      }
      if (count > bytes.length - pos) {
        throw malformed("block of " + count + " items but only " + (bytes.length - pos) + " bytes left");
      }
      for (long i = 0; i < count; i++) {
        if (map) {
          skip(length("length of map key"));
        }
        walk(item);
      }
    }
  }

  /** Reads a length prefix and checks it against the bytes left. */
  private int length(String what) throws IOException {
    long length = readLong();
    if (length < 0 || length > bytes.length - pos) {
      throw malformed(what + " is " + length + " but only " + (bytes.length - pos) + " bytes left");
    }
    return (int) length;
  }

  /**
   * Skips a string of {@code n} bytes that must be valid UTF-8: Avro decoders would otherwise put
   * replacement characters in its place, and two different strings would read as one.
   */
  private void utf8(int n) throws IOException {
    if (n > bytes.length - pos) {
      throw truncated();
    }
    try {
      utf8.reset().decode(ByteBuffer.wrap(bytes, pos, n));
    } catch (CharacterCodingException e) {
      throw malformed("string of " + n + " bytes is not valid UTF-8");
    }
    pos += n;
  }

  private void skip(int n) throws IOException {
    if (n > bytes.length - pos) {
      throw truncated();
    }
    pos += n;
  }

  private byte take(int n) throws IOException {
    if (n > bytes.length - pos) {
      throw truncated();
    }
    byte first = bytes[pos];
    pos += n;
    return first;
  }

  private int readInt() throws IOException {
    long value = readVarint(5);
    if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
      throw malformed("int out of range");
    }
    return (int) value;
  }

  private long readLong() throws IOException {
    return readVarint(10);
  }

  /** Reads a zig-zag varint of at most {@code maxBytes} bytes. */
  private long readVarint(int maxBytes) throws IOException {
    long raw = 0;
    for (int i = 0; i < maxBytes; i++) {
      if (pos >= bytes.length) {
        throw truncated();
      }
      int b = bytes[pos++] & 0xff;
      raw |= (long) (b & 0x7f) << (7 * i);
      if ((b & 0x80) == 0) {
        return (raw >>> 1) ^ -(raw & 1);
      }
    }
    throw malformed("varint longer than " + maxBytes + " bytes");
  }

  private IOException truncated() {
    return new IOException("truncated: Avro data ends early at byte " + pos + " of " + bytes.length);
  }

  private IOException malformed(String what) {
    return new IOException("malformed Avro data at byte " + pos + ": " + what);
  }
}
