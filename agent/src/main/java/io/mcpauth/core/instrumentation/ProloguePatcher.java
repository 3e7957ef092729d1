package io.mcpauth.core.instrumentation;

import java.util.ArrayList;
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
 * <p>The prologues themselves are {@link PrologueShape}s. Of the attributes inside a hooked method's {@code Code}, the line numbers, local variable
 * tables and stack map frames are moved with the code; any other (type annotations on
 * instructions, which only bytecode tools read) is dropped rather than left pointing at the wrong
 * instructions.
 */
final class ProloguePatcher {

  /** A prologue: its shape and the bridge method it calls. */
  record Prologue(PrologueShape shape, BridgeCalls.Call bridge) {}

  /** The patched class file and the names of the methods that got their prologue. */
  record Patched(byte[] classFile, List<String> hooked) {}

  private static final int ACC_STATIC = 0x0008;
  private static final int ACC_NATIVE = 0x0100;
  private static final int ACC_ABSTRACT = 0x0400;
  private static final int MAX_CODE_LENGTH = 65535;
  private static final String SERVLET_RESPONSE = "jakarta/servlet/http/HttpServletResponse";

  private final byte[] in;
  private final String bridge;

  private final ClassFile file;

  private ProloguePatcher(byte[] classFile, String bridge) {
    this.in = classFile;
    this.bridge = bridge;
    this.file = new ClassFile(classFile);
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
    boolean framesRequired = file.majorVersion() >= 50; // Java 6 on: type checking by stack map frames, JVMS §4.10.1
    int poolCount = file.poolCount;
    int poolEnd = file.poolEnd;
    int offset = file.methodsAt;

    // First pass: which methods get which prologue, and where their Code attribute lies.
    List<int[]> codes = new ArrayList<>(); // {Code attribute offset, method offset}
    List<Prologue> chosen = new ArrayList<>();
    List<String> hooked = new ArrayList<>();
    int methods = u2(offset);
    offset += 2;
    for (int m = 0; m < methods; m++) {
      int method = offset;
      int access = u2(offset);
      String name = file.utf8(u2(offset + 2));
      Prologue prologue = prologues.get(name + file.utf8(u2(offset + 4)));
      int attributes = u2(offset + 6);
      offset += 8;
      for (int a = 0; a < attributes; a++) {
        if (prologue != null && (access & (ACC_STATIC | ACC_ABSTRACT | ACC_NATIVE)) == 0
            && "Code".equals(file.utf8(u2(offset)))) {
          codes.add(new int[] {offset, method});
          chosen.add(prologue);
          hooked.add(name);
        }
        offset += 6 + u4(offset + 2);
      }
    }
    if (file.skipAttributes(offset) != in.length) {
      throw new IllegalArgumentException("the class file does not end after its attributes");
    }
    if (codes.isEmpty()) {
      return new Patched(in, hooked);
    }

    ConstantPoolAppender pool = new ConstantPoolAppender(poolCount);
    int[][] references = new int[codes.size()][];
    for (int i = 0; i < codes.size(); i++) {
      Prologue prologue = chosen.get(i);
      String descriptor = file.utf8(u2(codes.get(i)[1] + 4));
      String cast = prologue.shape() == PrologueShape.SERVLET_ENTRY ? SERVLET_RESPONSE
          : prologue.shape() == PrologueShape.RETURN_IF_NONNULL ? returnType(descriptor) : null;
      references[i] = new int[] {
          pool.methodRef(bridge, prologue.bridge().name(), prologue.bridge().descriptor()),
          cast == null ? 0 : pool.classRef(cast),
          pool.classRef("java/lang/Object"),
          framesRequired ? pool.utf8("StackMapTable") : 0};
    }
    if (pool.count > 0xFFFF) {
      throw new IllegalArgumentException("the constant pool would exceed 65535 entries");
    }

    ByteOutput out = new ByteOutput(in.length + pool.bytes.length + 64 * codes.size());
    out.bytes(in, 0, 8);
    out.u2(pool.count);
    out.bytes(in, 10, poolEnd - 10);
    out.bytes(pool.bytes.array, 0, pool.bytes.length);
    int copied = poolEnd;
    for (int i = 0; i < codes.size(); i++) {
      int code = codes.get(i)[0];
      out.bytes(in, copied, code - copied);
      copied = code + 6 + u4(code + 2);
      writeCode(out, code, chosen.get(i).shape(), references[i], framesRequired);
    }
    out.bytes(in, copied, in.length - copied);
    return new Patched(out.toByteArray(), hooked);
  }

  private void writeCode(ByteOutput out, int code, PrologueShape shape, int[] references, boolean framesRequired) {
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
    shape.write(out, references[0], references[1]);
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
      String name = file.utf8(u2(offset));
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
          StackMapShift.write(in, out, offset, shape, references[2]);
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
      out.u4(2 + shape.frameLength());
      out.u2(1);
      shape.writeFrame(out, references[2]);
      written++;
    }
    out.set2(countAt, written);
    out.set4(lengthAt, out.length - start);
  }

  private static String returnType(String descriptor) {
    String type = descriptor.substring(descriptor.indexOf(')') + 1);
    if (!type.startsWith("L") || !type.endsWith(";")) {
      throw new IllegalArgumentException("not an object return type: " + descriptor);
    }
    return type.substring(1, type.length() - 1);
  }

  private int u2(int offset) {
    return file.u2(offset);
  }

  private int u4(int offset) {
    return file.u4(offset);
  }
}
