package io.mcpauth.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcpauth.tests.support.Fixture;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/** The shipped jar as a host application's class loader sees it. */
class PackagingTest {

  /** The core and ASM, stored uncompressed, are 1.3 MB: a dependency slipping back in would show here. */
  private static final long SIZE_BUDGET = 2L * 1024 * 1024;

  @Test
  void manifestDeclaresEveryEntryPointAndNoLauncherAgent() throws IOException {
    try (JarFile jar = new JarFile(Fixture.agentJar().toFile())) {
      Attributes main = jar.getManifest().getMainAttributes();
      assertEquals("io.mcpauth.agent.McpAuthAgent", main.getValue("Premain-Class"));
      assertEquals("io.mcpauth.agent.McpAuthAgent", main.getValue("Agent-Class"));
      assertEquals("io.mcpauth.agent.McpAuthAgent", main.getValue("Main-Class"));
      assertEquals("true", main.getValue("Can-Retransform-Classes"));
      // it would start the agent inside the attach CLI's own JVM
      assertNull(main.getValue("Launcher-Agent-Class"));
    }
  }

  @Test
  void onlyTheLauncherAndTheBridgeAreVisibleAsClasses() throws IOException {
    List<String> visible = new ArrayList<>();
    try (JarFile jar = new JarFile(Fixture.agentJar().toFile())) {
      for (JarEntry entry : java.util.Collections.list(jar.entries())) {
        String name = entry.getName();
        if (name.endsWith(".class")) {
          visible.add(name);
        }
      }
    }
    assertTrue(visible.contains("io/mcpauth/agent/McpAuthAgent.class"), visible::toString);
    assertTrue(visible.contains("io/mcpauth/agent/bootstrap/AuthBridge.class"), visible::toString);
    for (String name : visible) {
      assertTrue(name.startsWith("io/mcpauth/agent/"), "class visible to the host: " + name);
    }
  }

  @Test
  void dependenciesAreRelocatedAndHidden() throws IOException {
    Set<String> hidden = new HashSet<>();
    List<String> offending = new ArrayList<>();
    try (JarFile jar = new JarFile(Fixture.agentJar().toFile())) {
      for (JarEntry entry : java.util.Collections.list(jar.entries())) {
        String name = entry.getName();
        String stripped = name.startsWith("inst/") ? name.substring(5) : name;
        for (String prefix : List.of("net/bytebuddy/", "org/jose4j/", "org/slf4j/", "ch/qos/logback/")) {
          if (stripped.startsWith(prefix)) {
            offending.add(name);
          }
        }
        if (name.startsWith("inst/") && name.endsWith(".classdata")) {
          hidden.add(stripped);
          assertTrue(stripped.startsWith("io/mcpauth/core/") || stripped.startsWith("io/mcpauth/shaded/"),
              "hidden class outside the allowed packages: " + name);
        }
      }
    }
    assertEquals(List.of(), offending, "unrelocated dependency classes");
    assertTrue(hidden.contains("io/mcpauth/shaded/net/bytebuddy/jar/asm/ClassReader.classdata"));
    // The transformer uses ASM alone; JWKs are read with the JDK: nothing else is shipped.
    for (String name : hidden) {
      assertTrue(name.startsWith("io/mcpauth/core/") || name.startsWith("io/mcpauth/shaded/net/bytebuddy/jar/asm/"),
          "shipped beyond the core and ASM: " + name);
    }
  }

  @Test
  void noServiceFileCanReachTheHost() throws IOException {
    try (JarFile jar = new JarFile(Fixture.agentJar().toFile())) {
      for (JarEntry entry : java.util.Collections.list(jar.entries())) {
        String name = entry.getName();
        assertTrue(!name.contains("ServletContainerInitializer"), "servlet initializer in the jar: " + name);
        if (name.startsWith("META-INF/services/")) {
          throw new AssertionError("service file visible to the host's ServiceLoader: " + name);
        }
        assertTrue(!name.equals("logback.xml") && !name.equals("inst/logback.xml"), name);
      }
      assertTrue(jar.getJarEntry("inst/META-INF/licenses/ASM") != null, "ASM's license travels with it");
    }
  }

  @Test
  void jarStaysWithinItsSizeBudget() throws IOException {
    long size = Files.size(Fixture.agentJar());
    assertTrue(size <= SIZE_BUDGET, "agent jar is " + size + " bytes, budget " + SIZE_BUDGET);
  }
}
