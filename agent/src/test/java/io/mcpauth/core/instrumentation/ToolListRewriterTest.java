package io.mcpauth.core.instrumentation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code mcpauth.scopes.filter-tools-list}: in the real SDK 2.1.0 servers, the tools/list handler's
 * read of the tool list, and only that one, goes through the bridge. Every other SDK line runs end
 * to end in the forked ToolListFilterTest.
 */
class ToolListRewriterTest {

  /** method name → bridge calls to visibleTools in it. */
  private static List<String> bridgeCalls(byte[] classFile) {
    List<String> calls = new ArrayList<>();
    new ClassReader(classFile).accept(new ClassVisitor(Opcodes.ASM9) {
      @Override
      public MethodVisitor visitMethod(int access, String name, String descriptor, String signature, String[] exceptions) {
        return new MethodVisitor(Opcodes.ASM9) {
          @Override
          public void visitMethodInsn(int opcode, String owner, String method, String desc, boolean isInterface) {
            if (owner.equals("io/mcpauth/agent/bootstrap/AuthBridge") && method.equals("visibleTools")) {
              calls.add(name);
            }
          }
        };
      }
    }, 0);
    return calls;
  }

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
    List<String> calls = bridgeCalls(Hooks.hook(internalName, original, false));
    assertEquals(1, calls.size(), calls.toString());
    assertTrue(calls.get(0).startsWith("lambda$toolsListRequestHandler$"), calls.toString());
  }
}
