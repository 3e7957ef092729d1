package io.mcpauth.core.instrumentation;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Inserts a call to the bridge as the first instructions of chosen methods by editing the class
 * file where it lies: the bridge's constant-pool entries are appended, each chosen method's
 * {@code Code} attribute gets the prologue in front, and the offsets that count from the start of
 * its code move with it. Every other byte is copied as it is.
 *
 * <p>This is all the bytecode engineering the JVM's start needs, so it is done without ASM:
 * loading, verifying and interpreting ASM's reader and writer for the two or three classes hooked
 * at start-up cost ~35 ms of CPU on the main thread, and ~40 JIT compilations, for twelve to sixteen
 * bytes per method. ASM still rewrites calls inside method bodies, which only some settings need,
 * and the session transports' constructors, which load with the first stream ({@link MethodBodyRewrites}).
 *
 * <p>Each prologue ends on a 4-byte boundary, so the padding of the original's {@code tableswitch}
 * and {@code lookupswitch} stays right (JVMS §6.5), and puts its one stack map frame before the
 * original code starts, so it never shares an offset with a frame of the original (JVMS §4.7.4).
 * Of the attributes inside a hooked method's {@code Code}, the line numbers, local variable
 * tables and stack map frames are moved with the code; any other (type annotations on
 * instructions, which only bytecode tools read) is dropped rather than left pointing at the wrong
 * instructions.
 */
final class ProloguePatcher {

  /** What the inserted code does with the bridge's answer. */
  enum Shape {
    /** In {@code void m(a, b)}: {@code if (Bridge.m(this, a, b)) return;} */
    RETURN_IF_TRUE("(Ljava/lang/Object;Ljava/lang/Object;Ljava/lang/Object;)Z", 12, 10, 3),
    /**
     * In a servlet's {@code void doX(request, response)}: {@code Object use = Bridge.m(this,
     * request, response); if (use == null) return; response = (HttpServletResponse) use;}, so the
     * gate can hand back a wrapper of the response.
     */
    SERVLET_ENTRY("(Ljava/lang/Object;Ljava/lang/Object;Ljava/lang/Object;)Ljava/lang/Object;", 16, 12, 3),
    /** In {@code R m(argument)}: {@code Object reply = Bridge.m(this, argument); if (reply != null) return (R) reply;} */
    RETURN_IF_NONNULL("(Ljava/lang/Object;Ljava/lang/Object;)Ljava/lang/Object;", 16, 13, 2);

    final String bridgeDescriptor;
    /** The prologue's length in bytes: a multiple of 4. */
    final int length;
    /** Where its branch lands, and so its stack map frame: always before the original code. */
    final int frameOffset;
    final int maxStack;

    Shape(String bridgeDescriptor, int length, int frameOffset, int maxStack) {
      this.bridgeDescriptor = bridgeDescriptor;
      this.length = length;
      this.frameOffset = frameOffset;
      this.maxStack = maxStack;
    }
  }

  /** A prologue: its shape and the bridge method it calls. */
  record Prologue(Shape shape, String bridgeMethod) {}

  /** The patched class file and the names of the methods that got their prologue. */
  record Patched(byte[] classFile, List<String> hooked) {}

  private static final int ACC_STATIC = 0x0008;
  private static final int ACC_NATIVE = 0x0100;
  private static final int ACC_ABSTRACT = 0x0400;
  private static final int MAX_CODE_LENGTH = 65535;
  private static final String SERVLET_RESPONSE = "jakarta/servlet/http/HttpServletResponse";

  private final byte[] in;
  private final String bridge;

  private ProloguePatcher(byte[] classFile, String bridge) {
    this.in = classFile;
    this.bridge = bridge;
  }

  /**
   * @param prologues by method name and descriptor concatenated ({@code "doPost(L...;L...;)V"})
   * @param bridge the internal name of the class whose static methods the prologues call
   * @throws IllegalArgumentException if the class file is malformed or a method would grow too large
   */
  static Patched patch(byte[] classFile, Map<String, Prologue> prologues, String bridge) {
    try {
      return new ProloguePatcher(classFile, bridge).patch(prologues);
    } catch (IndexOutOfBoundsException | NegativeArraySizeException e) {
      throw new IllegalArgumentException("malformed class file: " + e.getMessage(), e);
    }
  }

  private Patched patch(Map<String, Prologue> prologues) {
    if (u4(0) != 0xCAFEBABE) {
      throw new IllegalArgumentException("not a class file");
    }
    boolean framesRequired = u2(6) >= 50; // version 50 (Java 6) on: type checking by stack map frames, JVMS §4.10.1
    int poolCount = u2(8);
    int[] entries = new int[poolCount];
    int offset = 10;
    for (int index = 1; index < poolCount; index++) {
      entries[index] = offset;
      int tag = in[offset] & 0xFF;
      offset += entrySize(tag, offset);
      if (tag == 5 || tag == 6) {
        index++; // a long or a double takes two entries
      }
    }
    int poolEnd = offset;
    offset += 6; // access, this, super
    offset += 2 + 2 * u2(offset);
    int fields = u2(offset);
    offset += 2;
    for (int f = 0; f < fields; f++) {
      offset = skipAttributes(offset + 6);
    }

    // First pass: which methods get which prologue, and where their Code attribute lies.
    List<int[]> codes = new ArrayList<>(); // {Code attribute offset, method offset}
    List<Prologue> chosen = new ArrayList<>();
    List<String> hooked = new ArrayList<>();
    int methods = u2(offset);
    offset += 2;
    for (int m = 0; m < methods; m++) {
      int method = offset;
      int access = u2(offset);
      String name = utf8(entries, u2(offset + 2));
      Prologue prologue = prologues.get(name + utf8(entries, u2(offset + 4)));
      int attributes = u2(offset + 6);
      offset += 8;
      for (int a = 0; a < attributes; a++) {
        if (prologue != null && (access & (ACC_STATIC | ACC_ABSTRACT | ACC_NATIVE)) == 0
            && "Code".equals(utf8(entries, u2(offset)))) {
          codes.add(new int[] {offset, method});
          chosen.add(prologue);
          hooked.add(name);
        }
        offset += 6 + u4(offset + 2);
      }
    }
    if (skipAttributes(offset) != in.length) {
      throw new IllegalArgumentException("the class file does not end after its attributes");
    }
    if (codes.isEmpty()) {
      return new Patched(in, hooked);
    }

    ConstantPool pool = new ConstantPool(poolCount);
    int[][] references = new int[codes.size()][];
    for (int i = 0; i < codes.size(); i++) {
      Prologue prologue = chosen.get(i);
      String descriptor = utf8(entries, u2(codes.get(i)[1] + 4));
      String cast = prologue.shape() == Shape.SERVLET_ENTRY ? SERVLET_RESPONSE
          : prologue.shape() == Shape.RETURN_IF_NONNULL ? returnType(descriptor) : null;
      references[i] = new int[] {
          pool.methodRef(bridge, prologue.bridgeMethod(), prologue.shape().bridgeDescriptor),
          cast == null ? 0 : pool.classRef(cast),
          pool.classRef("java/lang/Object"),
          framesRequired ? pool.utf8("StackMapTable") : 0};
    }
    if (pool.count > 0xFFFF) {
      throw new IllegalArgumentException("the constant pool would exceed 65535 entries");
    }

    Output out = new Output(in.length + pool.bytes.length + 64 * codes.size());
    out.bytes(in, 0, 8);
    out.u2(pool.count);
    out.bytes(in, 10, poolEnd - 10);
    out.bytes(pool.bytes.array, 0, pool.bytes.length);
    int copied = poolEnd;
    for (int i = 0; i < codes.size(); i++) {
      int code = codes.get(i)[0];
      out.bytes(in, copied, code - copied);
      copied = code + 6 + u4(code + 2);
      writeCode(out, entries, code, chosen.get(i).shape(), references[i], framesRequired);
    }
    out.bytes(in, copied, in.length - copied);
    return new Patched(out.toByteArray(), hooked);
  }

  private void writeCode(Output out, int[] entries, int code, Shape shape, int[] references, boolean framesRequired) {
    int p = shape.length;
    int maxStack = u2(code + 6);
    int codeLength = u4(code + 10);
    if (codeLength + p > MAX_CODE_LENGTH) {
      throw new IllegalArgumentException("a hooked method's code would exceed " + MAX_CODE_LENGTH + " bytes");
    }
    int lengthAt = out.length + 2;
    out.bytes(in, code, 2); // attribute name
    out.u4(0);
    int start = out.length;
    out.u2(Math.max(maxStack, shape.maxStack));
    out.bytes(in, code + 8, 2); // max_locals
    out.u4(codeLength + p);
    writePrologue(out, shape, references);
    out.bytes(in, code + 14, codeLength);

    int offset = code + 14 + codeLength;
    int handlers = u2(offset);
    out.u2(handlers);
    offset += 2;
    for (int h = 0; h < handlers; h++, offset += 8) {
      out.u2(u2(offset) + p);
      out.u2(u2(offset + 2) + p);
      out.u2(u2(offset + 4) + p);
      out.bytes(in, offset + 6, 2);
    }

    int countAt = out.length;
    out.u2(0);
    int written = 0;
    boolean frames = false;
    int attributes = u2(offset);
    offset += 2;
    for (int a = 0; a < attributes; a++) {
      String name = utf8(entries, u2(offset));
      int length = u4(offset + 2);
      int body = offset + 6;
      switch (name) {
        case "LineNumberTable" -> {
          out.bytes(in, offset, 8);
          for (int e = 0, n = u2(body); e < n; e++) {
            out.u2(u2(body + 2 + 4 * e) + p);
            out.bytes(in, body + 4 + 4 * e, 2);
          }
          written++;
        }
        case "LocalVariableTable", "LocalVariableTypeTable" -> {
          out.bytes(in, offset, 8);
          for (int e = 0, n = u2(body); e < n; e++) {
            out.u2(u2(body + 2 + 10 * e) + p);
            out.bytes(in, body + 4 + 10 * e, 8);
          }
          written++;
        }
        case "StackMapTable" -> {
          writeFrames(out, offset, shape, references[2]);
          frames = true;
          written++;
        }
        default -> {
          // not moved with the code, so not kept (see the class comment)
        }
      }
      offset = body + length;
    }
    if (framesRequired && !frames) {
      out.u2(references[3]);
      out.u4(2 + ourFrameLength(shape));
      out.u2(1);
      writeOurFrame(out, shape, references[2]);
      written++;
    }
    out.set2(countAt, written);
    out.set4(lengthAt, out.length - start);
  }

  private static void writePrologue(Output out, Shape shape, int[] references) {
    int method = references[0];
    int cast = references[1];
    switch (shape) {
      case RETURN_IF_TRUE -> {
        out.u1(0x2A).u1(0x2B).u1(0x2C);           // 0: aload_0, aload_1, aload_2
        out.u1(0xB8).u2(method);                   // 3: invokestatic bridge
        out.u1(0x99).u2(4);                        // 6: ifeq 10
        out.u1(0xB1);                              // 9: return
        out.u1(0x00).u1(0x00);                     // 10: nop, nop (the frame is at 10)
      }
      case SERVLET_ENTRY -> {
        out.u1(0x2A).u1(0x2B).u1(0x2C);           // 0: aload_0, aload_1, aload_2
        out.u1(0xB8).u2(method);                   // 3: invokestatic bridge
        out.u1(0x59);                              // 6: dup
        out.u1(0xC7).u2(5);                        // 7: ifnonnull 12
        out.u1(0x57).u1(0xB1);                     // 10: pop, return
        out.u1(0xC0).u2(cast);                     // 12: checkcast HttpServletResponse (the frame is at 12)
        out.u1(0x4D);                              // 15: astore_2
      }
      case RETURN_IF_NONNULL -> {
        out.u1(0x2A).u1(0x2B);                    // 0: aload_0, aload_1
        out.u1(0xB8).u2(method);                   // 2: invokestatic bridge
        out.u1(0x59);                              // 5: dup
        out.u1(0xC6).u2(7);                        // 6: ifnull 13
        out.u1(0xC0).u2(cast);                     // 9: checkcast the return type
        out.u1(0xB0);                              // 12: areturn
        out.u1(0x57).u1(0x00).u1(0x00);           // 13: pop, nop, nop (the frame is at 13)
      }
      default -> throw new IllegalStateException(shape.name());
    }
  }

  /** Our frame is the first: its offset delta is its offset. The implicit frame before it holds the parameters. */
  private static void writeOurFrame(Output out, Shape shape, int objectClass) {
    if (shape == Shape.RETURN_IF_TRUE) {
      out.u1(shape.frameOffset); // same_frame
    } else {
      out.u1(64 + shape.frameOffset); // same_locals_1_stack_item: the bridge's answer
      out.u1(7).u2(objectClass);       // Object_variable_info: java/lang/Object
    }
  }

  private static int ourFrameLength(Shape shape) {
    return shape == Shape.RETURN_IF_TRUE ? 1 : 4;
  }

  /**
   * Our frame, then the original's: the first one's offset delta now counts from ours, and the
   * offsets of {@code new} instructions in Uninitialized_variable_info move with the code.
   */
  private void writeFrames(Output out, int attribute, Shape shape, int objectClass) {
    int p = shape.length;
    int lengthAt = out.length + 2;
    out.bytes(in, attribute, 2);
    out.u4(0);
    int start = out.length;
    int offset = attribute + 6;
    int frames = u2(offset);
    offset += 2;
    out.u2(frames + 1);
    writeOurFrame(out, shape, objectClass);
    for (int f = 0; f < frames; f++) {
      int type = in[offset++] & 0xFF;
      int delta;
      if (type < 64) {
        delta = type;
      } else if (type < 128) {
        delta = type - 64;
      } else if (type < 247) {
        throw new IllegalArgumentException("reserved stack map frame type " + type);
      } else {
        delta = u2(offset);
        offset += 2;
      }
      if (f == 0) {
        delta = delta + p - shape.frameOffset - 1;
      }
      if (type < 64) {
        if (delta < 64) {
          out.u1(delta);
        } else {
          out.u1(251).u2(delta); // same_frame_extended
        }
      } else if (type < 128) {
        if (delta < 64) {
          out.u1(64 + delta);
        } else {
          out.u1(247).u2(delta); // same_locals_1_stack_item_frame_extended
        }
        offset = copyType(out, offset, p);
      } else {
        out.u1(type).u2(delta);
        if (type == 247) {
          offset = copyType(out, offset, p);
        } else if (type >= 252 && type <= 254) {
          for (int t = 0; t < type - 251; t++) {
            offset = copyType(out, offset, p);
          }
        } else if (type == 255) {
          for (int list = 0; list < 2; list++) {
            int n = u2(offset);
            out.u2(n);
            offset += 2;
            for (int t = 0; t < n; t++) {
              offset = copyType(out, offset, p);
            }
          }
        }
      }
    }
    if (offset != attribute + 6 + u4(attribute + 2)) {
      throw new IllegalArgumentException("malformed StackMapTable");
    }
    out.set4(lengthAt, out.length - start);
  }

  /** Copies one verification_type_info; Uninitialized(offset) names an instruction, which moved. */
  private int copyType(Output out, int offset, int p) {
    int tag = in[offset] & 0xFF;
    out.u1(tag);
    if (tag == 7) {
      out.bytes(in, offset + 1, 2);
      return offset + 3;
    }
    if (tag == 8) {
      out.u2(u2(offset + 1) + p);
      return offset + 3;
    }
    if (tag > 8) {
      throw new IllegalArgumentException("unknown verification type " + tag);
    }
    return offset + 1;
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
  private int skipAttributes(int offset) {
    int attributes = u2(offset);
    offset += 2;
    for (int a = 0; a < attributes; a++) {
      offset += 6 + u4(offset + 2);
    }
    return offset;
  }

  private static String returnType(String descriptor) {
    String type = descriptor.substring(descriptor.indexOf(')') + 1);
    if (!type.startsWith("L") || !type.endsWith(";")) {
      throw new IllegalArgumentException("not an object return type: " + descriptor);
    }
    return type.substring(1, type.length() - 1);
  }

  /** The string of a CONSTANT_Utf8 entry (modified UTF-8, JVMS §4.4.7). */
  private String utf8(int[] entries, int index) {
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

  private int u2(int offset) {
    return ((in[offset] & 0xFF) << 8) | (in[offset + 1] & 0xFF);
  }

  private int u4(int offset) {
    return ((in[offset] & 0xFF) << 24) | ((in[offset + 1] & 0xFF) << 16) | ((in[offset + 2] & 0xFF) << 8)
        | (in[offset + 3] & 0xFF);
  }

  /** The entries appended to the constant pool, each once. */
  private static final class ConstantPool {
    final Output bytes = new Output(256);
    final Map<String, Integer> indexes = new HashMap<>();
    int count;

    ConstantPool(int count) {
      this.count = count;
    }

    int utf8(String value) {
      Integer known = indexes.get("U" + value);
      if (known != null) {
        return known;
      }
      bytes.u1(1);
      int lengthAt = bytes.length;
      bytes.u2(0);
      for (int i = 0; i < value.length(); i++) {
        char c = value.charAt(i);
        if (c >= 1 && c < 0x80) {
          bytes.u1(c);
        } else if (c < 0x800) {
          bytes.u1(0xC0 | (c >> 6)).u1(0x80 | (c & 0x3F));
        } else {
          bytes.u1(0xE0 | (c >> 12)).u1(0x80 | ((c >> 6) & 0x3F)).u1(0x80 | (c & 0x3F));
        }
      }
      bytes.set2(lengthAt, bytes.length - lengthAt - 2);
      return add("U" + value);
    }

    int classRef(String internalName) {
      Integer known = indexes.get("C" + internalName);
      if (known != null) {
        return known;
      }
      int name = utf8(internalName);
      bytes.u1(7).u2(name);
      return add("C" + internalName);
    }

    int methodRef(String owner, String name, String descriptor) {
      String key = "M" + owner + '.' + name + descriptor;
      Integer known = indexes.get(key);
      if (known != null) {
        return known;
      }
      int ownerClass = classRef(owner);
      int nameIndex = utf8(name);
      int descriptorIndex = utf8(descriptor);
      bytes.u1(12).u2(nameIndex).u2(descriptorIndex);
      int nameAndType = add("N" + name + descriptor);
      bytes.u1(10).u2(ownerClass).u2(nameAndType);
      return add(key);
    }

    private int add(String key) {
      int index = count++;
      indexes.put(key, index);
      return index;
    }
  }

  /** A growing big-endian byte buffer. */
  private static final class Output {
    byte[] array;
    int length;

    Output(int capacity) {
      array = new byte[capacity];
    }

    Output u1(int value) {
      if (length == array.length) {
        array = Arrays.copyOf(array, array.length * 2);
      }
      array[length++] = (byte) value;
      return this;
    }

    Output u2(int value) {
      return u1(value >>> 8).u1(value);
    }

    Output u4(int value) {
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
}
