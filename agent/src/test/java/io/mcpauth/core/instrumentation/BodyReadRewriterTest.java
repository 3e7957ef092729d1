package io.mcpauth.core.instrumentation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelcontextprotocol.server.transport.HttpServletSseServerTransportProvider;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
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

  @ParameterizedTest
  @ValueSource(strings = {"HttpServletStreamableServerTransportProvider", "HttpServletSseServerTransportProvider",
      "HttpServletStatelessServerTransport"})
  @DisplayName("the one readBody of each servlet transport goes through the bridge only when rules need the body")
  void readBodyGoesThroughTheBridge(String transport) throws Exception {
    byte[] original = sdkClass(transport);
    assertEquals(1, MethodCalls.count(MethodCalls.in(original), PACKAGE + "HttpServletRequestUtils.readBody"));

    List<String> replaying = MethodCalls.in(Hooks.hook(PACKAGE + transport, original, true));
    assertEquals(0, MethodCalls.count(replaying, PACKAGE + "HttpServletRequestUtils.readBody"));
    assertEquals(1, MethodCalls.count(replaying, "io/mcpauth/agent/bootstrap/AuthBridge.readBody"));

    List<String> plain = MethodCalls.in(Hooks.hook(PACKAGE + transport, original, false));
    assertEquals(1, MethodCalls.count(plain, PACKAGE + "HttpServletRequestUtils.readBody"));
    assertEquals(0, MethodCalls.count(plain, "io/mcpauth/agent/bootstrap/AuthBridge.readBody"));
    // every required entry point keeps its gate (a stateless doGet, which answers 405, has one too)
    assertTrue(MethodCalls.count(plain, "io/mcpauth/agent/bootstrap/AuthBridge.servletEntry")
        >= Hooks.TRANSPORTS.get(PACKAGE + transport).size());
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
}
