package io.mcpauth.core.gate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import jakarta.servlet.http.HttpServletRequest;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * SDK 0.11's transport context, where the extractor fills a context the transport made: the caller's
 * keys are added to what the application's extractor returns, and kept by its {@code copy()}. The SDK
 * 0.11 types are built here (the test class path has 2.1), in a loader of their own with a servlet
 * transport's name, as a fat jar's loader would hold them.
 */
class SeededTransportContextTest {

  private static final String CONTEXT = "io/modelcontextprotocol/server/McpTransportContext";
  private static final String EXTRACTOR = "io/modelcontextprotocol/server/McpTransportContextExtractor";
  private static final String TRANSPORT = "io/modelcontextprotocol/server/transport/HttpServletStatelessServerTransport";

  @Test
  @DisplayName("the 0.11 extractor runs, the caller's keys win, the application's stay, copy() keeps both")
  void callerKeysAreAdded() throws Throwable {
    Sdk011 sdk = new Sdk011(getClass().getClassLoader());
    Class<?> context = sdk.loadClass(CONTEXT.replace('/', '.'));
    Class<?> extractor = sdk.loadClass(EXTRACTOR.replace('/', '.'));
    Class<?> transport = sdk.loadClass(TRANSPORT.replace('/', '.'));

    Map<String, Object> applications = new HashMap<>(Map.of("app.key", "app-value", "mcpauth.subject", "forged"));
    Object seed = mapContext(context, applications);
    Object applicationsExtractor = Proxy.newProxyInstance(sdk, new Class<?>[] {extractor},
        (proxy, method, args) -> method.getName().equals("extract") ? args[1] : null);
    Map<String, Object> attributes = new HashMap<>();
    attributes.put(TransportContexts.CALLER_ATTRIBUTE, Map.of("mcpauth.subject", "alice", "mcpauth.scopes", List.of("mcp:tools")));
    Object request = Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {HttpServletRequest.class},
        (proxy, method, args) -> method.getName().equals("getAttribute") ? attributes.get(args[0]) : null);

    Object result = TransportContexts.extractSeeded(applicationsExtractor, request, seed, transport);
    Method get = context.getMethod("get", String.class);
    assertEquals("alice", get.invoke(result, "mcpauth.subject"), "ours win over the application's");
    assertEquals(List.of("mcp:tools"), get.invoke(result, "mcpauth.scopes"));
    assertEquals("app-value", get.invoke(result, "app.key"));
    Object copy = context.getMethod("copy").invoke(result);
    assertEquals("alice", get.invoke(copy, "mcpauth.subject"), "a copy keeps the caller");
    assertEquals("app-value", get.invoke(copy, "app.key"));

    attributes.clear();
    assertSame(seed, TransportContexts.extractSeeded(applicationsExtractor, request, seed, transport),
        "no caller (a request the gate did not admit): the application's context as it is");
    assertNull(get.invoke(seed, "mcpauth.scopes"));
  }

  /** A context over a map, as 0.11's DefaultMcpTransportContext. */
  private static Object mapContext(Class<?> context, Map<String, Object> values) {
    return Proxy.newProxyInstance(context.getClassLoader(), new Class<?>[] {context}, (proxy, method, args) -> switch (method.getName()) {
      case "get" -> values.get(args[0]);
      case "put" -> values.put((String) args[0], args[1]);
      case "copy" -> mapContext(context, new HashMap<>(values));
      default -> null;
    });
  }

  /** SDK 0.11's context and extractor interfaces and a transport class, built with ASM, child-first. */
  private static final class Sdk011 extends ClassLoader {
    Sdk011(ClassLoader parent) {
      super(parent);
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
      synchronized (getClassLoadingLock(name)) {
        Class<?> loaded = findLoadedClass(name);
        if (loaded != null) {
          return loaded;
        }
        byte[] built = switch (name.replace('.', '/')) {
          case CONTEXT -> contextInterface();
          case EXTRACTOR -> extractorInterface();
          case TRANSPORT -> transportClass();
          default -> null;
        };
        return built == null ? super.loadClass(name, resolve) : defineClass(name, built, 0, built.length);
      }
    }

    private static byte[] contextInterface() {
      ClassWriter writer = new ClassWriter(0);
      writer.visit(Opcodes.V17, Opcodes.ACC_PUBLIC | Opcodes.ACC_INTERFACE | Opcodes.ACC_ABSTRACT, CONTEXT, null,
          "java/lang/Object", null);
      abstractMethod(writer, "get", "(Ljava/lang/String;)Ljava/lang/Object;");
      abstractMethod(writer, "put", "(Ljava/lang/String;Ljava/lang/Object;)V");
      abstractMethod(writer, "copy", "()L" + CONTEXT + ";");
      writer.visitEnd();
      return writer.toByteArray();
    }

    private static byte[] extractorInterface() {
      ClassWriter writer = new ClassWriter(0);
      writer.visit(Opcodes.V17, Opcodes.ACC_PUBLIC | Opcodes.ACC_INTERFACE | Opcodes.ACC_ABSTRACT, EXTRACTOR, null,
          "java/lang/Object", null);
      abstractMethod(writer, "extract", "(Ljava/lang/Object;L" + CONTEXT + ";)L" + CONTEXT + ";");
      writer.visitEnd();
      return writer.toByteArray();
    }

    private static byte[] transportClass() {
      ClassWriter writer = new ClassWriter(ClassWriter.COMPUTE_MAXS);
      writer.visit(Opcodes.V17, Opcodes.ACC_PUBLIC, TRANSPORT, null, "jakarta/servlet/http/HttpServlet", null);
      MethodVisitor init = writer.visitMethod(Opcodes.ACC_PUBLIC, "<init>", "()V", null, null);
      init.visitCode();
      init.visitVarInsn(Opcodes.ALOAD, 0);
      init.visitMethodInsn(Opcodes.INVOKESPECIAL, "jakarta/servlet/http/HttpServlet", "<init>", "()V", false);
      init.visitInsn(Opcodes.RETURN);
      init.visitMaxs(0, 0);
      init.visitEnd();
      // the entry point of the real one: an agent installed later in this JVM retransforms every
      // loaded class of a transport's name, and must find this one's shape whole
      MethodVisitor post = writer.visitMethod(Opcodes.ACC_PROTECTED, "doPost",
          "(Ljakarta/servlet/http/HttpServletRequest;Ljakarta/servlet/http/HttpServletResponse;)V", null, null);
      post.visitCode();
      post.visitInsn(Opcodes.RETURN);
      post.visitMaxs(0, 0);
      post.visitEnd();
      writer.visitEnd();
      return writer.toByteArray();
    }

    private static void abstractMethod(ClassWriter writer, String name, String descriptor) {
      writer.visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_ABSTRACT, name, descriptor, null, null).visitEnd();
    }
  }
}
