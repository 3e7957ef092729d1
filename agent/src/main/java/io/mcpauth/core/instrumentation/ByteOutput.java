package io.mcpauth.core.instrumentation;

import java.util.Arrays;

/** A growing big-endian byte buffer. */
final class ByteOutput {
  byte[] array;
  int length;

  ByteOutput(int capacity) {
    array = new byte[capacity];
  }

  ByteOutput u1(int value) {
    if (length == array.length) {
      array = Arrays.copyOf(array, array.length * 2);
    }
    array[length++] = (byte) value;
    return this;
  }

  ByteOutput u2(int value) {
    return u1(value >>> 8).u1(value);
  }

  ByteOutput u4(int value) {
    return u2(value >>> 16).u2(value);
  }

  void bytes(byte[] source, int from, int count) {
    if (length + count > array.length) {
      array = Arrays.copyOf(array, Math.max(array.length * 2, length + count));
    }
    System.arraycopy(source, from, array, length, count);
    length += count;
  }

  void set2(int at, int value) {
    array[at] = (byte) (value >>> 8);
    array[at + 1] = (byte) value;
  }

  void set4(int at, int value) {
    set2(at, value >>> 16);
    set2(at + 2, value);
  }

  byte[] toByteArray() {
    return Arrays.copyOf(array, length);
  }
}
