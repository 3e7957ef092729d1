package io.mcpauth.core.instrumentation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcpauth.agent.bootstrap.AuthBridge;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The bridge calls the rewritten classes make are the bridge's own methods, by name and descriptor. */
class BridgeCallsTest {

  @Test
  @DisplayName("every call names a public static method of AuthBridge with its exact descriptor, and every such method is called")
  void callsMatchTheBridge() {
    assertEquals(AuthBridge.class.getName().replace('.', '/'), BridgeCalls.OWNER);
    Set<String> bridge = new TreeSet<>();
    for (Method method : AuthBridge.class.getDeclaredMethods()) {
      if (Modifier.isPublic(method.getModifiers()) && Modifier.isStatic(method.getModifiers())
          && !method.getName().equals("install") && !method.getName().equals("installed")) {
        bridge.add(method.getName() + MethodType.methodType(method.getReturnType(), method.getParameterTypes())
            .toMethodDescriptorString());
      }
    }
    Set<String> called = new TreeSet<>();
    for (BridgeCalls.Call call : BridgeCalls.ALL) {
      assertTrue(called.add(call.name() + call.descriptor()), "listed once: " + call);
    }
    assertEquals(bridge, called);
  }
}
