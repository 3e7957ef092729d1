package io.mcpauth.core.instrumentation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code mcpauth.scopes.filter-tools-list}: in the real SDK 2.1.0 servers, the tools/list handler's
 * read of the tool list, and only that one, goes through the bridge. Every other SDK line runs end
 * to end in the forked ToolListFilterTest.
 */
class ToolListRewriterTest {

  @ParameterizedTest
  @ValueSource(strings = {"McpAsyncServer", "McpStatelessAsyncServer"})
  @DisplayName("the tools/list handler's read of this.tools is the one rewritten")
  void theToolsListHandlerReadsThroughTheBridge(String server) throws Exception {
    String internalName = "io/modelcontextprotocol/server/" + server;
    byte[] original;
    try (InputStream in = getClass().getResourceAsStream("/" + internalName + ".class")) {
      original = in.readAllBytes();
    }
    assertEquals(Hooks.Kind.TOOL_LIST, Hooks.kindOf(internalName));
    List<String> calls = MethodCalls.in(Hooks.hook(internalName, original, false)).stream()
        .filter(call -> call.endsWith(" -> io/mcpauth/agent/bootstrap/AuthBridge.visibleTools")).toList();
    assertEquals(1, calls.size(), calls.toString());
    assertTrue(calls.get(0).startsWith("lambda$toolsListRequestHandler$"), calls.toString());
  }
}
