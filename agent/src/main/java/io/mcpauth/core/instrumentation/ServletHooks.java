package io.mcpauth.core.instrumentation;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;

/**
 * What the agent hooks, by exact class name and method descriptor:
 * <ul>
 *   <li>the MCP Java SDK servlet transports: {@code doGet}, {@code doPost} and {@code doDelete}
 *       call the gate first. These entry points are the same from SDK 0.17.0 to 2.1.0
 *       (../shared/design/sdk-transport-map.md §0), and no transport overrides {@code service()};
 *   <li>{@code jakarta.servlet.http.HttpServlet.service}, which every servlet request passes: it
 *       serves the Protected Resource Metadata whatever path the MCP servlet is mapped to (no
 *       transport routes the well-known path), and refuses transports the agent could not hook.
 * </ul>
 */
final class ServletHooks {

  static final String HTTP_SERVLET = "jakarta/servlet/http/HttpServlet";
  private static final String PACKAGE = "io/modelcontextprotocol/server/transport/";
  private static final String SERVLET_METHOD =
      "(Ljakarta/servlet/http/HttpServletRequest;Ljakarta/servlet/http/HttpServletResponse;)V";

  /** Each transport and the entry points it must declare for the gate to cover it. */
  static final Map<String, List<String>> TRANSPORTS = Map.of(
      PACKAGE + "HttpServletStreamableServerTransportProvider", List.of("doGet", "doPost", "doDelete"),
      PACKAGE + "HttpServletSseServerTransportProvider", List.of("doGet", "doPost"),
      PACKAGE + "HttpServletStatelessServerTransport", List.of("doPost"));

  private static final Set<String> ENTRY_POINTS = Set.of("doGet", "doPost", "doDelete");

  private ServletHooks() {}

  static boolean isTarget(String internalName) {
    return TRANSPORTS.containsKey(internalName) || HTTP_SERVLET.equals(internalName);
  }

  /** The class with its hooks in place. */
  static byte[] hook(String internalName, byte[] classFile) {
    ClassReader reader = new ClassReader(classFile);
    // Passing the reader keeps the constant pool and copies untouched methods as they are.
    ClassWriter writer = new ClassWriter(reader, 0);
    if (HTTP_SERVLET.equals(internalName)) {
      ServiceHook hook = new ServiceHook(writer);
      reader.accept(hook, 0);
      if (!hook.hooked) {
        throw new UnsupportedShapeException(internalName, List.of("service(HttpServletRequest, HttpServletResponse)"));
      }
    } else {
      TransportHook hook = new TransportHook(writer);
      reader.accept(hook, 0);
      List<String> missing = new ArrayList<>();
      for (String required : TRANSPORTS.get(internalName)) {
        if (!hook.hooked.contains(required)) {
          missing.add(required + "(HttpServletRequest, HttpServletResponse)");
        }
      }
      if (!missing.isEmpty()) {
        throw new UnsupportedShapeException(internalName, missing);
      }
    }
    return writer.toByteArray();
  }

  private static boolean isServletMethod(int access, String descriptor) {
    return SERVLET_METHOD.equals(descriptor) && (access & (Opcodes.ACC_STATIC | Opcodes.ACC_ABSTRACT)) == 0;
  }

  private static final class TransportHook extends ClassVisitor {
    final Set<String> hooked = new LinkedHashSet<>();
    private int version;

    TransportHook(ClassVisitor next) {
      super(Opcodes.ASM9, next);
    }

    @Override
    public void visit(int version, int access, String name, String signature, String superName, String[] interfaces) {
      this.version = version;
      super.visit(version, access, name, signature, superName, interfaces);
    }

    @Override
    public MethodVisitor visitMethod(int access, String name, String descriptor, String signature, String[] exceptions) {
      MethodVisitor method = super.visitMethod(access, name, descriptor, signature, exceptions);
      if (ENTRY_POINTS.contains(name) && isServletMethod(access, descriptor)) {
        hooked.add(name);
        return new BridgeCallPrologue(method, "servletEntry", version);
      }
      return method;
    }
  }

  private static final class ServiceHook extends ClassVisitor {
    boolean hooked;
    private int version;

    ServiceHook(ClassVisitor next) {
      super(Opcodes.ASM9, next);
    }

    @Override
    public void visit(int version, int access, String name, String signature, String superName, String[] interfaces) {
      this.version = version;
      super.visit(version, access, name, signature, superName, interfaces);
    }

    @Override
    public MethodVisitor visitMethod(int access, String name, String descriptor, String signature, String[] exceptions) {
      MethodVisitor method = super.visitMethod(access, name, descriptor, signature, exceptions);
      if (name.equals("service") && isServletMethod(access, descriptor)) {
        hooked = true;
        return new BridgeCallPrologue(method, "servletService", version);
      }
      return method;
    }
  }

  static final class UnsupportedShapeException extends RuntimeException {
    UnsupportedShapeException(String internalName, List<String> missing) {
      super(internalName.replace('/', '.') + " has an unrecognised shape (missing " + String.join(", ", missing) + ")");
    }
  }
}
