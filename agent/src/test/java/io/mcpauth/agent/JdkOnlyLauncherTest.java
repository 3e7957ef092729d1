package io.mcpauth.agent;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.Type;
import net.bytebuddy.jar.asm.commons.ClassRemapper;
import net.bytebuddy.jar.asm.commons.Remapper;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The launcher (io/mcpauth/agent/**, system class loader) and the bridge (io/mcpauth/agent/bootstrap/**,
 * bootstrap class path) must reference JDK types only: the core and its dependencies are hidden under
 * inst/ and exist only inside AgentClassLoader. Reads the compiled classes with byte-buddy's ASM.
 */
class JdkOnlyLauncherTest {

  private static final String AGENT = "io/mcpauth/agent/";
  private static final String BRIDGE = "io/mcpauth/agent/bootstrap/";

  private static Path classesRoot() throws URISyntaxException {
    return Path.of(McpAuthAgent.class.getProtectionDomain().getCodeSource().getLocation().toURI());
  }

  /** Every type a class file names: constant-pool class entries, descriptors, signatures, annotations. */
  static Set<String> referencedTypes(byte[] bytes) {
    Set<String> types = new TreeSet<>();
    ClassReader reader = new ClassReader(bytes);
    reader.accept(new ClassRemapper(new ClassWriter(0), new Remapper() {
      @Override
      public String map(String internalName) {
        types.add(internalName);
        return internalName;
      }
    }), 0);
    // and straight from the constant pool, so nothing the visitor skips can hide
    char[] buffer = new char[reader.getMaxStringLength()];
    for (int i = 1; i < reader.getItemCount(); i++) {
      int offset = reader.getItem(i);
      if (offset == 0) {
        continue; // second slot of a long/double
      }
      switch (bytes[offset - 1]) {
        case 7 -> addType(types, Type.getObjectType(reader.readUTF8(offset, buffer)));      // Class
        case 12 -> addDescriptor(types, reader.readUTF8(offset + 2, buffer));              // NameAndType
        case 16 -> addDescriptor(types, reader.readUTF8(offset, buffer));                  // MethodType
        default -> { }
      }
    }
    return types;
  }

  private static void addDescriptor(Set<String> types, String descriptor) {
    if (descriptor.startsWith("(")) {
      Type method = Type.getMethodType(descriptor);
      addType(types, method.getReturnType());
      for (Type argument : method.getArgumentTypes()) {
        addType(types, argument);
      }
    } else {
      addType(types, Type.getType(descriptor));
    }
  }

  private static void addType(Set<String> types, Type type) {
    Type element = type.getSort() == Type.ARRAY ? type.getElementType() : type;
    if (element.getSort() == Type.OBJECT) {
      types.add(element.getInternalName());
    }
  }

  /** A JDK type the given loader (null = bootstrap) can see. */
  private static boolean isJdkType(String internalName, ClassLoader loader) {
    if (!(internalName.startsWith("java/") || internalName.startsWith("javax/") || internalName.startsWith("jdk/"))) {
      return false;
    }
    try {
      Class.forName(internalName.replace('/', '.'), false, loader);
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false; // e.g. javax.servlet: a javax name, but not part of the JDK
    }
  }

  @Test
  @DisplayName("launcher and bootstrap bridge classes reference only JDK types and each other")
  void launcherAndBridgeAreJdkOnly() throws Exception {
    Path root = classesRoot();
    List<Path> classFiles;
    try (Stream<Path> files = Files.walk(root.resolve(AGENT))) {
      classFiles = files.filter(p -> p.toString().endsWith(".class")).sorted().toList();
    }
    assertTrue(classFiles.size() >= 4, "launcher and bridge classes found under " + root + ": " + classFiles);
    Map<String, Set<String>> violations = new TreeMap<>();
    int checked = 0;
    for (Path file : classFiles) {
      String name = root.relativize(file).toString().replace('\\', '/');
      boolean bridge = name.startsWith(BRIDGE);
      for (String type : referencedTypes(readAll(file))) {
        checked++;
        boolean allowed = bridge
            // the bridge is on the bootstrap class path: it sees only bootstrap JDK classes and itself
            ? type.startsWith(BRIDGE) || isJdkType(type, null)
            : type.startsWith(AGENT) || isJdkType(type, ClassLoader.getPlatformClassLoader());
        if (!allowed) {
          violations.computeIfAbsent(name, k -> new TreeSet<>()).add(type);
        }
      }
    }
    assertTrue(checked > 50, "references were actually collected: " + checked);
    assertTrue(violations.isEmpty(), "non-JDK references: " + violations);
  }

  @Test
  @DisplayName("the reference collector sees core and third-party types (the check is not vacuous)")
  void collectorFindsForeignTypes() throws Exception {
    Set<String> types = referencedTypes(readAll(classesRoot().resolve("io/mcpauth/core/gate/BearerGate.class")));
    assertTrue(types.contains("io/mcpauth/agent/bootstrap/Gate"), types.toString());
    assertTrue(types.contains("io/mcpauth/core/token/TokenVerifier"), types.toString());
    Set<String> hookTypes = referencedTypes(readAll(classesRoot().resolve("io/mcpauth/core/instrumentation/MethodBodyRewrites.class")));
    List<String> foreign = new ArrayList<>();
    for (String type : hookTypes) {
      if (!type.startsWith(AGENT) && !isJdkType(type, ClassLoader.getPlatformClassLoader())) {
        foreign.add(type);
      }
    }
    assertTrue(foreign.contains("net/bytebuddy/jar/asm/ClassReader"), foreign.toString());
    assertTrue(!isJdkType("javax/servlet/Servlet", ClassLoader.getPlatformClassLoader()), "javax.servlet is not JDK");
  }

  private static byte[] readAll(Path file) throws IOException {
    return Files.readAllBytes(file);
  }
}
