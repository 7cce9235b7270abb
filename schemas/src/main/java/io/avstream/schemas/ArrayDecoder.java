package io.avstream.schemas;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.io.Decoder;
import org.apache.avro.util.Utf8;

/**
 * An Avro binary decoder over a byte array whose {@code bytes} values are slices of that array, not
 * copies: a MoCap frame's 24 KB of vertices, an audio chunk's samples or a video frame's JPEG are read
 * where the Kafka value already holds them. The record therefore shares the array; nothing in avstream
 * writes into a decoded record's bytes.
 *
 * <p>Used by {@link AvroCodec#decode} after {@link BodyValidator} has walked the same bytes, so lengths
 * and counts are known to be sound here; the checks below only guard against reading past the end.
 */
final class ArrayDecoder extends Decoder {
  private final byte[] buf;
  private final int limit;
  private int pos;

  ArrayDecoder(byte[] buf, int offset, int limit) {
    this.buf = buf;
    this.pos = offset;
    this.limit = limit;
  }

  private void need(long n) throws IOException {
    if (n < 0 || n > limit - pos) {
      throw new EOFException("need " + n + " bytes at " + pos + ", " + (limit - pos) + " left");
    }
  }

  @Override
  public void readNull() {}

  @Override
  public boolean readBoolean() throws IOException {
    need(1);
    return buf[pos++] != 0;
  }

  @Override
  public int readInt() throws IOException {
    long v = readLong();
    if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
      throw new AvroRuntimeException("int out of range: " + v);
    }
    return (int) v;
  }

  @Override
  public long readLong() throws IOException {
    long raw = 0;
    for (int shift = 0; shift < 70; shift += 7) {
      need(1);
      int b = buf[pos++] & 0xff;
      raw |= (long) (b & 0x7f) << shift;
      if ((b & 0x80) == 0) {
        return (raw >>> 1) ^ -(raw & 1);
      }
    }
    throw new AvroRuntimeException("varint longer than 10 bytes");
  }

  @Override
  public float readFloat() throws IOException {
    need(4);
    float f = ByteBuffer.wrap(buf, pos, 4).order(ByteOrder.LITTLE_ENDIAN).getFloat();
    pos += 4;
    return f;
  }

  @Override
  public double readDouble() throws IOException {
    need(8);
    double d = ByteBuffer.wrap(buf, pos, 8).order(ByteOrder.LITTLE_ENDIAN).getDouble();
    pos += 8;
    return d;
  }

  private int length() throws IOException {
    long n = readLong();
    need(n);
    return (int) n;
  }

  @Override
  public Utf8 readString(Utf8 old) throws IOException {
    int n = length();
    Utf8 s = old != null ? old : new Utf8();
    s.setByteLength(n);
    System.arraycopy(buf, pos, s.getBytes(), 0, n);
    pos += n;
    return s;
  }

  @Override
  public String readString() throws IOException {
    int n = length();
    String s = new String(buf, pos, n, StandardCharsets.UTF_8);
    pos += n;
    return s;
  }

  @Override
  public void skipString() throws IOException {
    pos += length();
  }

  /** A slice of the array (position 0, limit the value's length); {@code old} is not reused. */
  @Override
  public ByteBuffer readBytes(ByteBuffer old) throws IOException {
    int n = length();
    ByteBuffer slice = ByteBuffer.wrap(buf, pos, n).slice();
    pos += n;
    return slice;
  }

  @Override
  public void skipBytes() throws IOException {
    pos += length();
  }

  @Override
  public void readFixed(byte[] bytes, int start, int length) throws IOException {
    need(length);
    System.arraycopy(buf, pos, bytes, start, length);
    pos += length;
  }

  @Override
  public void skipFixed(int length) throws IOException {
    need(length);
    pos += length;
  }

  @Override
  public int readEnum() throws IOException {
    return readInt();
  }

  /** Items in the next block; a negative count is followed by the block's byte size, which is read past. */
  private long blockCount() throws IOException {
    long count = readLong();
    if (count < 0) {
      readLong();
      count = -count;
    }
    return count;
  }

  @Override
  public long readArrayStart() throws IOException {
    return blockCount();
  }

  @Override
  public long arrayNext() throws IOException {
    return blockCount();
  }

  /** Skips blocks that carry their byte size; returns the items of the first block without one (0 at the end). */
  private long skipSizedBlocks() throws IOException {
    long count = readLong();
    while (count < 0) {
      long size = readLong();
      need(size);
      pos += (int) size;
      count = readLong();
    }
    return count;
  }

  @Override
  public long skipArray() throws IOException {
    return skipSizedBlocks();
  }

  @Override
  public long readMapStart() throws IOException {
    return blockCount();
  }

  @Override
  public long mapNext() throws IOException {
    return blockCount();
  }

  @Override
  public long skipMap() throws IOException {
    return skipSizedBlocks();
  }

  @Override
  public int readIndex() throws IOException {
    return readInt();
  }
}
