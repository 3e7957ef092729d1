package io.mcpauth.core.instrumentation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelcontextprotocol.server.transport.HttpServletSseServerTransportProvider;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarFile;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * With per-message scope rules, the SDK's own body read becomes a call to the bridge, which hands
 * back the body the gate judged: checked on the real SDK 2.1.0 servlet transports (readBody). The
 * getReader lines (0.17, 0.18.3, 1.0, 2.0.0) and the Spring transports are covered end to end by
 * the forked ScopeRulesTest.
 */
class BodyReadRewriterTest {

  private static final String PACKAGE = "io/modelcontextprotocol/server/transport/";

  /** The real class file from the SDK jar (the test sources shadow two of them with fakes). */
  private static byte[] sdkClass(String simpleName) throws Exception {
    Path jar = Path.of(HttpServletSseServerTransportProvider.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    try (JarFile file = new JarFile(jar.toFile());
        InputStream in = file.getInputStream(file.getEntry(PACKAGE + simpleName + ".class"))) {
      return in.readAllBytes();
    }
  }

  /** owner.name of every method call in the class. */
  private static List<String> calls(byte[] classFile) {
    List<String> calls = new ArrayList<>();
    new ClassReader(classFile).accept(new ClassVisitor(Opcodes.ASM9) {
      @Override
      public MethodVisitor visitMethod(int access, String name, String descriptor, String signature, String[] exceptions) {
        return new MethodVisitor(Opcodes.ASM9) {
          @Override
          public void visitMethodInsn(int opcode, String owner, String method, String desc, boolean isInterface) {
            calls.add(owner + "." + method);
          }
        };
      }
    }, 0);
    return calls;
  }

  @ParameterizedTest
  @ValueSource(strings = {"HttpServletStreamableServerTransportProvider", "HttpServletSseServerTransportProvider",
      "HttpServletStatelessServerTransport"})
  @DisplayName("the one readBody of each servlet transport goes through the bridge only when rules need the body")
  void readBodyGoesThroughTheBridge(String transport) throws Exception {
    byte[] original = sdkClass(transport);
    assertEquals(1, count(calls(original), PACKAGE + "HttpServletRequestUtils.readBody"));

    List<String> replaying = calls(Hooks.hook(PACKAGE + transport, original, true));
    assertEquals(0, count(replaying, PACKAGE + "HttpServletRequestUtils.readBody"));
    assertEquals(1, count(replaying, "io/mcpauth/agent/bootstrap/AuthBridge.readBody"));

    List<String> plain = calls(Hooks.hook(PACKAGE + transport, original, false));
    assertEquals(1, count(plain, PACKAGE + "HttpServletRequestUtils.readBody"));
    assertEquals(0, count(plain, "io/mcpauth/agent/bootstrap/AuthBridge.readBody"));
    assertTrue(plain.contains("io/mcpauth/agent/bootstrap/AuthBridge.servletEntry"));
  }

  @Test
  @DisplayName("a transport whose body read the agent does not recognise is refused when rules need the body (fail closed)")
  void aTransportWithoutARecognisedReadIsRefused() throws Exception {
    // the test's own stand-in of this class reads no body
    String fake = "HttpServletStatelessServerTransport";
    byte[] classFile;
    try (InputStream in = getClass().getResourceAsStream("/" + PACKAGE + fake + ".class")) {
      classFile = in.readAllBytes();
    }
    Hooks.hook(PACKAGE + fake, classFile, false);
    Hooks.UnsupportedShapeException refused =
        assertThrows(Hooks.UnsupportedShapeException.class, () -> Hooks.hook(PACKAGE + fake, classFile, true));
    assertTrue(refused.getMessage().endsWith("(no read of the request body with the expected signature)"),
        refused.getMessage());
  }

  private static long count(List<String> calls, String call) {
    return calls.stream().filter(call::equals).count();
  }
}
