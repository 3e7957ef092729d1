package io.mcpauth.core.instrumentation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Each call of a context extractor becomes an invokedynamic the bridge links, and the class still verifies. */
class ContextExtractorCallsTest {

  private static final String NAME = "io.mcpauth.core.instrumentation.ContextCalls";
  private static final String LINKED = "io/mcpauth/agent/bootstrap/AuthBridge.transportContextSite (invokedynamic)";

  private static byte[] classFile(String name) throws IOException {
    try (InputStream in = ContextExtractorCallsTest.class.getResourceAsStream("/" + name.replace('.', '/') + ".class")) {
      return in.readAllBytes();
    }
  }

  @Test
  @DisplayName("every call, past switches, is rewritten; a BootstrapMethods attribute is added; the verifier accepts it")
  void everyCallIsRewritten() throws Exception {
    byte[] original = classFile(NAME);
    assertEquals(2, MethodCalls.count(MethodCalls.in(original), ContextExtractorCalls.EXTRACTOR + ".extract"));
    ContextExtractorCalls.Rewritten rewritten = ContextExtractorCalls.rewrite(original);
    assertEquals(2, rewritten.calls());
    List<String> calls = MethodCalls.in(rewritten.classFile());
    assertEquals(0, MethodCalls.count(calls, ContextExtractorCalls.EXTRACTOR + ".extract"));
    assertEquals(2, MethodCalls.count(calls, LINKED));
    Class<?> defined = new ClassLoader(ContextExtractorCallsTest.class.getClassLoader()) {
      Class<?> define() {
        return defineClass(NAME, rewritten.classFile(), 0, rewritten.classFile().length);
      }
    }.define();
    assertFalse(defined == ContextCalls.class, "defined anew");
    Class.forName(NAME, true, defined.getClassLoader()); // initialises, which runs the verifier
  }

  @Test
  @DisplayName("a class rewritten before is counted, not rewritten twice; one without calls comes back as it was")
  void rewrittenOnce() throws Exception {
    ContextExtractorCalls.Rewritten once = ContextExtractorCalls.rewrite(classFile(NAME));
    ContextExtractorCalls.Rewritten twice = ContextExtractorCalls.rewrite(once.classFile());
    assertEquals(2, twice.calls());
    assertArrayEquals(once.classFile(), twice.classFile());
    byte[] none = classFile("io.mcpauth.core.instrumentation.PrologueShapes");
    ContextExtractorCalls.Rewritten untouched = ContextExtractorCalls.rewrite(none);
    assertEquals(0, untouched.calls());
    assertSame(none, untouched.classFile());
  }

  @Test
  @DisplayName("SDK 0.11's extract(request, context) is rewritten to a site of its own type, and the class verifies")
  void seededCallsAreRewritten() throws Exception {
    String name = "io/mcpauth/core/instrumentation/SeededCalls";
    byte[] original = seededCaller(name);
    ContextExtractorCalls.Rewritten rewritten = ContextExtractorCalls.rewrite(original);
    assertEquals(1, rewritten.calls());
    assertTrue(rewritten.mentionsContext());
    List<String> calls = MethodCalls.in(rewritten.classFile());
    assertEquals(0, MethodCalls.count(calls, ContextExtractorCalls.EXTRACTOR + ".extract"));
    assertEquals(1, MethodCalls.count(calls, LINKED));
    Class<?> defined = new ClassLoader(ContextExtractorCallsTest.class.getClassLoader()) {
      Class<?> define() {
        return defineClass(name.replace('/', '.'), rewritten.classFile(), 0, rewritten.classFile().length);
      }
    }.define();
    Class.forName(defined.getName(), true, defined.getClassLoader()); // initialises, which runs the verifier
    assertEquals(1, ContextExtractorCalls.rewrite(rewritten.classFile()).calls(), "counted once rewritten, not twice");
  }

  @Test
  @DisplayName("a class naming no transport context is told apart from one whose extractor call changed")
  void noContextAtAll() throws Exception {
    assertFalse(ContextExtractorCalls.rewrite(classFile("io.mcpauth.core.instrumentation.PrologueShapes")).mentionsContext());
    // names the extractor, but calls it with a shape the agent does not know: no call is rewritten
    byte[] changed = seededCaller("io/mcpauth/core/instrumentation/ChangedCalls", "extractFrom");
    ContextExtractorCalls.Rewritten rewritten = ContextExtractorCalls.rewrite(changed);
    assertEquals(0, rewritten.calls());
    assertTrue(rewritten.mentionsContext());
  }

  private static byte[] seededCaller(String name) {
    return seededCaller(name, "extract");
  }

  /**
   * A class like an SDK 0.11 transport: {@code Object call(Object extractor, Object request, Object seed)}
   * calls {@code McpTransportContextExtractor.<method>(request, (server.McpTransportContext) seed)}.
   */
  private static byte[] seededCaller(String name, String method) {
    ClassWriter writer = new ClassWriter(ClassWriter.COMPUTE_FRAMES | ClassWriter.COMPUTE_MAXS);
    writer.visit(Opcodes.V17, Opcodes.ACC_PUBLIC, name, null, "java/lang/Object", null);
    MethodVisitor call = writer.visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, "call",
        "(Ljava/lang/Object;Ljava/lang/Object;Ljava/lang/Object;)Ljava/lang/Object;", null, null);
    call.visitCode();
    call.visitVarInsn(Opcodes.ALOAD, 0);
    call.visitTypeInsn(Opcodes.CHECKCAST, ContextExtractorCalls.EXTRACTOR);
    call.visitVarInsn(Opcodes.ALOAD, 1);
    call.visitVarInsn(Opcodes.ALOAD, 2);
    call.visitTypeInsn(Opcodes.CHECKCAST, ContextExtractorCalls.SEEDED_CONTEXT);
    call.visitMethodInsn(Opcodes.INVOKEINTERFACE, ContextExtractorCalls.EXTRACTOR, method,
        ContextExtractorCalls.SEEDED.extract(), true);
    call.visitInsn(Opcodes.ARETURN);
    call.visitMaxs(0, 0);
    call.visitEnd();
    writer.visitEnd();
    return writer.toByteArray();
  }
}
