package io.mcpauth.core.instrumentation;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Hooks' decisions by class name, which run for every class the JVM loads. */
class HooksTest {

  @Test
  @DisplayName("every hooked transport, moved to another package, is recognised as relocated")
  void everyTransportNameIsRecognisedInAnotherPackage() {
    int checked = 0;
    for (String name : Hooks.TRANSPORTS.keySet()) {
      String simpleName = name.substring(name.lastIndexOf('/') + 1);
      assertTrue(Hooks.isRelocatedTransport("com/acme/shaded/mcp/" + simpleName), simpleName);
      assertFalse(Hooks.isRelocatedTransport(name), "the real one is hooked, not refused: " + name);
      checked++;
    }
    assertTrue(checked >= 15, "transports checked: " + checked);
  }

  @Test
  @DisplayName("other classes, including near names, are neither hooked nor refused")
  void otherClassesPass() {
    for (String name : new String[] {"java/lang/String", "com/acme/McpTransport", "com/acme/HttpServletStatelessServerTransportX",
        "com/acme/ServerTransportProvider", "HttpServletStatelessServerTransport"}) {
      assertFalse(Hooks.isRelocatedTransport(name), name);
      assertFalse(Hooks.isTarget(name), name);
    }
  }

  @Test
  @DisplayName("a servlet transport that builds its sessions through another constructor is refused when it loads")
  void aChangedSessionConstructorIsRefused() throws Exception {
    String provider = "io/modelcontextprotocol/server/transport/HttpServletSseServerTransportProvider";
    byte[] original;
    try (InputStream in = HooksTest.class.getResourceAsStream("/" + provider + ".class")) {
      original = in.readAllBytes();
    }
    Hooks.hook(provider, original, false); // the real one passes
    // the constructor's descriptor, as the provider's call names it, with one type renamed (same length)
    byte[] changed = replace(original, "Ljava/io/PrintWriter;)V", "Ljava/io/PrintWritex;)V");
    Hooks.UnsupportedShapeException refused =
        assertThrows(Hooks.UnsupportedShapeException.class, () -> Hooks.hook(provider, changed, false));
    assertTrue(refused.getMessage().contains("construction of HttpServletMcpSessionTransport"), refused.getMessage());
  }

  /** The class file with every occurrence of {@code from} (inside constants) replaced by {@code to}, of the same length. */
  private static byte[] replace(byte[] classFile, String from, String to) {
    byte[] needle = from.getBytes(StandardCharsets.UTF_8);
    byte[] replacement = to.getBytes(StandardCharsets.UTF_8);
    byte[] out = classFile.clone();
    int found = 0;
    for (int i = 0; i + needle.length <= out.length; i++) {
      if (Arrays.equals(out, i, i + needle.length, needle, 0, needle.length)) {
        System.arraycopy(replacement, 0, out, i, replacement.length);
        found++;
      }
    }
    assertTrue(found > 0, from);
    return out;
  }
}
