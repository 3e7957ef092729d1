package io.mcpauth.core.instrumentation;

import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;

/**
 * The rewrites inside method bodies, done with ASM after the prologues are in place: a servlet
 * session transport's constructor tells the gate of each new stream; with per-message scope rules,
 * the transports read POSTed bodies through the gate; with tools/list filtering, the SDK servers'
 * tools/list handlers list only what the caller may call. A plain start-up needs none of them, so
 * ASM's classes load only when one is configured or a session transport loads.
 */
final class MethodBodyRewrites extends ClassVisitor {

  private final Hooks.Kind kind;
  private final String internalName;
  /** The session transport's constructor descriptor; null for other kinds. */
  private final String sessionConstructor;
  /** The transport whose body reads go through the gate; null to leave them alone. */
  private final String replayingTransport;
  /** The rewritten class file. */
  byte[] classFile;
  boolean sessionHooked;
  final int[] bodyReads = new int[1];
  final int[] toolListReads = new int[1];

  private MethodBodyRewrites(ClassVisitor next, Hooks.Kind kind, String internalName, String sessionConstructor,
      String replayingTransport) {
    super(Opcodes.ASM9, next);
    this.kind = kind;
    this.internalName = internalName;
    this.sessionConstructor = sessionConstructor;
    this.replayingTransport = replayingTransport;
  }

  /** Applies the rewrites {@code kind} and the settings call for; the counts say what was found. */
  static MethodBodyRewrites of(byte[] classFile, Hooks.Kind kind, String internalName, String sessionConstructor,
      String replayingTransport) {
    ClassReader reader = new ClassReader(classFile);
    // Passing the reader keeps the constant pool and copies untouched methods as they are.
    ClassWriter writer = new ClassWriter(reader, 0);
    MethodBodyRewrites rewrites = new MethodBodyRewrites(writer, kind, internalName, sessionConstructor, replayingTransport);
    reader.accept(rewrites, 0);
    rewrites.classFile = writer.toByteArray();
    return rewrites;
  }

  @Override
  public MethodVisitor visitMethod(int access, String name, String descriptor, String signature, String[] exceptions) {
    MethodVisitor method = super.visitMethod(access, name, descriptor, signature, exceptions);
    if ((access & Opcodes.ACC_ABSTRACT) != 0) {
      return method;
    }
    if (replayingTransport != null) {
      // lambdas too: WebFlux reads the body inside the Mono it returns
      method = new BodyReadRewriter(method, replayingTransport, bodyReads);
    }
    if (kind == Hooks.Kind.TOOL_LIST) {
      return ToolListRewriter.of(method, internalName, access, name, descriptor, toolListReads);
    }
    if (kind == Hooks.Kind.SSE_SESSION && (access & Opcodes.ACC_STATIC) == 0 && name.equals("<init>")
        && descriptor.equals(sessionConstructor)) {
      sessionHooked = true;
      return new SessionStartedEpilogue(method);
    }
    return method;
  }
}
