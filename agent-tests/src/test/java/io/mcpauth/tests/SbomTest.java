package io.mcpauth.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import io.mcpauth.tests.support.Fixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.jose4j.json.JsonUtil;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The CycloneDX SBOM built with the jar names everything the jar carries, with versions, and nothing else. */
class SbomTest {

  private static final String SHADED = "inst/io/mcpauth/shaded/";
  private static final String RELOCATED_AS = "mcpauth:relocated-as";

  private Map<String, Object> sbom;

  @BeforeEach
  void readSbom() throws Exception {
    Path file = Fixture.agentJar().toAbsolutePath().resolveSibling("mcpauth-agent.cdx.json");
    if (!Files.exists(file)) {
      assumeFalse("offline=true".equals(System.getProperty("mcpauth.build")), "built offline: cyclonedx-maven-plugin makes no SBOM then");
    }
    assertTrue(Files.exists(file), "no SBOM beside the jar: " + file);
    sbom = JsonUtil.parseJson(Files.readString(file));
  }

  @Test
  void everyRelocatedPackageOfTheJarIsAVersionedComponent() throws Exception {
    TreeSet<String> inJar = relocatedPackagesOfTheJar();
    assertFalse(inJar.isEmpty());
    Map<String, String> claimed = new TreeMap<>(); // relocated package -> name@version of the innermost component
    for (Map<String, Object> component : components(sbom)) {
      collect(component, claimed);
    }
    for (String pkg : inJar) {
      assertTrue(claimed.containsKey(pkg), pkg + " is in the jar but no SBOM component names it: " + claimed);
    }
    assertEquals(inJar, new TreeSet<>(claimed.keySet()), "the SBOM names packages the jar lacks");
    assertTrue(claimed.get("io.mcpauth.shaded.net.bytebuddy.jar.asm").startsWith("org.ow2.asm:asm@"), claimed::toString);
    assertTrue(claimed.get("io.mcpauth.shaded.net.bytebuddy.jar.asm.commons").startsWith("org.ow2.asm:asm-commons@"),
        claimed::toString);
  }

  @Test
  void itListsNothingTheJarDoesNotCarry() {
    // the servlet API (provided by the host) and the test libraries stay out
    for (Map<String, Object> component : components(sbom)) {
      assertTrue(relocatedAs(component).size() > 0, "listed but not in the jar: " + component.get("purl"));
    }
    assertEquals(List.of("net.bytebuddy:byte-buddy"),
        components(sbom).stream().map(c -> c.get("group") + ":" + c.get("name")).toList());
  }

  @Test
  void itDescribesThisAgentVersion() {
    @SuppressWarnings("unchecked")
    Map<String, Object> metadata = (Map<String, Object>) sbom.get("metadata");
    @SuppressWarnings("unchecked")
    Map<String, Object> agent = (Map<String, Object>) metadata.get("component");
    assertEquals(System.getProperty("mcpauth.project.version"), agent.get("version"));
    assertEquals("CycloneDX", sbom.get("bomFormat"));
    assertFalse(sbom.containsKey("serialNumber"), "a random serial number would make every SBOM differ");
  }

  private static void collect(Map<String, Object> component, Map<String, String> claimed) {
    String version = (String) component.get("version");
    assertTrue(version != null && version.matches("\\d+(\\.\\d+)+"), "version of " + component.get("name") + ": " + version);
    assertTrue(((String) component.get("purl")).contains("@" + version), String.valueOf(component.get("purl")));
    String id = component.get("group") + ":" + component.get("name") + "@" + version;
    for (String pkg : relocatedAs(component)) {
      claimed.put(pkg, id);
    }
    for (Map<String, Object> nested : components(component)) {
      collect(nested, claimed); // the innermost component that names a package wins
    }
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> components(Map<String, Object> parent) {
    Object list = parent.get("components");
    return list == null ? List.of() : (List<Map<String, Object>>) list;
  }

  @SuppressWarnings("unchecked")
  private static List<String> relocatedAs(Map<String, Object> component) {
    List<String> packages = new ArrayList<>();
    for (Map<String, Object> property : (List<Map<String, Object>>) component.getOrDefault("properties", List.of())) {
      if (RELOCATED_AS.equals(property.get("name"))) {
        for (String pkg : ((String) property.get("value")).split(",")) {
          packages.add(pkg.strip());
        }
      }
    }
    return packages;
  }

  private static TreeSet<String> relocatedPackagesOfTheJar() throws Exception {
    TreeSet<String> packages = new TreeSet<>();
    try (JarFile jar = new JarFile(Fixture.agentJar().toFile())) {
      for (JarEntry entry : Collections.list(jar.entries())) {
        String name = entry.getName();
        if (name.startsWith(SHADED) && name.endsWith(".classdata")) {
          packages.add(name.substring("inst/".length(), name.lastIndexOf('/')).replace('/', '.'));
        }
      }
    }
    return packages;
  }
}
