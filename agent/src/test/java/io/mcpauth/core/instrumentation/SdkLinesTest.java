package io.mcpauth.core.instrumentation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The real transports of the SDK lines no fixture runs on its own, 0.10 to 0.16 (servlet, and the
 * SDK's Spring WebMVC and WebFlux modules), pass every shape check the agent makes when they load,
 * with and without per-message rules; on 0.10, which has no transport context, the agent knows that
 * their tools cannot see the caller. The jars are copied by the build (agent/pom.xml, sdk-lines).
 */
class SdkLinesTest {

  private static final String SERVER = "io/modelcontextprotocol/server/";

  @Test
  @DisplayName("every transport of SDK 0.10 to 0.16 passes the shape checks, its session classes too")
  void everyLinePasses() throws IOException {
    Path dir = Path.of(System.getProperty("mcpauth.sdklines", "target/sdk-lines"));
    List<Path> jars;
    try (Stream<Path> files = Files.list(dir)) {
      jars = files.filter(file -> file.toString().endsWith(".jar")).sorted().toList();
    }
    assertEquals(21, jars.size(), "the jars of " + dir);
    TreeMap<String, List<String>> hookedByLine = new TreeMap<>();
    for (Path jar : jars) {
      String name = jar.getFileName().toString();
      String version = name.substring(name.lastIndexOf('-') + 1, name.length() - ".jar".length());
      try (JarFile file = new JarFile(jar.toFile())) {
        for (Enumeration<JarEntry> entries = file.entries(); entries.hasMoreElements(); ) {
          JarEntry entry = entries.nextElement();
          String internalName = entry.getName().replaceAll("\\.class$", "");
          if (!entry.getName().startsWith(SERVER) || !Hooks.isTarget(internalName)
              || Hooks.kindOf(internalName) == Hooks.Kind.TOOL_LIST) {
            continue;
          }
          byte[] classFile;
          try (InputStream in = file.getInputStream(entry)) {
            classFile = in.readAllBytes();
          }
          Hooks.Hooked plain = Hooks.hookReporting(internalName, classFile, false);
          Hooks.Hooked replaying = Hooks.hookReporting(internalName, classFile, true);
          boolean contextless = version.startsWith("0.10.") && Hooks.kindOf(internalName) == Hooks.Kind.TRANSPORT;
          assertEquals(!contextless, plain.callerVisibleToTools(), internalName + " " + version);
          assertEquals(plain.callerVisibleToTools(), replaying.callerVisibleToTools(), internalName + " " + version);
          hookedByLine.computeIfAbsent(version, v -> new ArrayList<>())
              .add(internalName.substring(internalName.lastIndexOf('/') + 1));
        }
      }
    }
    // 0.10: the three SSE transports and the servlet one's sessions; then all nine and both session classes
    assertEquals(4, hookedByLine.get("0.10.0").size(), "0.10.0: " + hookedByLine.get("0.10.0"));
    for (String version : List.of("0.11.3", "0.12.1", "0.13.1", "0.14.1", "0.15.0", "0.16.0")) {
      assertEquals(11, hookedByLine.get(version).size(), version + ": " + hookedByLine.get(version));
    }
    assertTrue(hookedByLine.get("0.16.0").contains("WebFluxStatelessServerTransport"), hookedByLine.toString());
  }
}
