package io.mcpauth.core.instrumentation;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
}
