package io.mcpauth.core.instrumentation;

/**
 * A class file as it lies, read where needed: the offsets of its constant pool entries and of its
 * methods, and the few reads the patchers need. Malformed input surfaces as an index out of bounds
 * or an IllegalArgumentException.
 */
final class ClassFile {

  final byte[] in;
  /** Each constant's offset, by index; 0 for the second slot of a long or double. */
  final int[] entries;
  final int poolCount;
  /** Where the constant pool ends (access flags follow). */
  final int poolEnd;
  /** Where {@code methods_count} lies. */
  final int methodsAt;

  ClassFile(byte[] classFile) {
    this.in = classFile;
    if (u4(0) != 0xCAFEBABE) {
      throw new IllegalArgumentException("not a class file");
    }
    poolCount = u2(8);
    entries = new int[poolCount];
    int offset = 10;
    for (int index = 1; index < poolCount; index++) {
      entries[index] = offset;
      int tag = in[offset] & 0xFF;
      offset += entrySize(tag, offset);
      if (tag == 5 || tag == 6) {
        index++; // a long or a double takes two entries
      }
    }
    poolEnd = offset;
    offset += 6; // access, this, super
    offset += 2 + 2 * u2(offset);
    int fields = u2(offset);
    offset += 2;
    for (int f = 0; f < fields; f++) {
      offset = skipAttributes(offset + 6);
    }
    methodsAt = offset;
  }

  int majorVersion() {
    return u2(6);
  }

  /** The offset of the class's attributes_count, after its methods. */
  int classAttributesAt() {
    int offset = methodsAt;
    int methods = u2(offset);
    offset += 2;
    for (int m = 0; m < methods; m++) {
      offset = skipAttributes(offset + 6);
    }
    return offset;
  }

  private int entrySize(int tag, int offset) {
    return switch (tag) {
      case 1 -> 3 + u2(offset + 1);                 // Utf8
      case 3, 4, 9, 10, 11, 12, 17, 18 -> 5;        // Integer, Float, refs, NameAndType, (Invoke)Dynamic
      case 5, 6 -> 9;                               // Long, Double
      case 7, 8, 16, 19, 20 -> 3;                   // Class, String, MethodType, Module, Package
      case 15 -> 4;                                 // MethodHandle
      default -> throw new IllegalArgumentException("unknown constant pool tag " + tag);
    };
  }

  /** The offset after the attributes whose count is at {@code offset}. */
  int skipAttributes(int offset) {
    int attributes = u2(offset);
    offset += 2;
    for (int a = 0; a < attributes; a++) {
      offset += 6 + u4(offset + 2);
    }
    return offset;
  }

  /** The string of a CONSTANT_Utf8 entry (modified UTF-8, JVMS §4.4.7). */
  String utf8(int index) {
    int offset = entries[index];
    if (offset == 0 || in[offset] != 1) {
      throw new IllegalArgumentException("constant " + index + " is not a Utf8 entry");
    }
    int length = u2(offset + 1);
    char[] chars = new char[length];
    int n = 0;
    for (int i = offset + 3, end = offset + 3 + length; i < end; ) {
      int b = in[i++] & 0xFF;
      if (b < 0x80) {
        chars[n++] = (char) b;
      } else if (b < 0xE0) {
        chars[n++] = (char) (((b & 0x1F) << 6) | (in[i++] & 0x3F));
      } else {
        chars[n++] = (char) (((b & 0x0F) << 12) | ((in[i++] & 0x3F) << 6) | (in[i++] & 0x3F));
      }
    }
    return new String(chars, 0, n);
  }

  int u2(int offset) {
    return ((in[offset] & 0xFF) << 8) | (in[offset + 1] & 0xFF);
  }

  int u4(int offset) {
    return ((in[offset] & 0xFF) << 24) | ((in[offset + 1] & 0xFF) << 16) | ((in[offset + 2] & 0xFF) << 8)
        | (in[offset + 3] & 0xFF);
  }

  /** The class name of a CONSTANT_Class entry. */
  String className(int index) {
    return utf8(u2(entries[index] + 1));
  }
}
