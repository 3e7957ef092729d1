package io.mcpauth.core.instrumentation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.fail;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * ProloguePatcher on mutated class files (the seeds are jakarta.servlet's HttpServlet, the MCP SDK's
 * HttpServletSseServerTransportProvider and the test's PrologueShapes): the input is refused with
 * an IllegalArgumentException and left unchanged, or the patched class passes the JVM's verifier
 * whenever the input itself does. The prologues are ProloguePatcherTest's.
 */
class ProloguePatcherFuzzTest {

  @FuzzTest
  void patchedClassesVerify(byte[] classFile) {
    byte[] copy = classFile.clone();
    ProloguePatcher.Patched patched;
    try {
      patched = ProloguePatcher.patch(classFile, ProloguePatcherTest.PROLOGUES, ProloguePatcherTest.TEST_BRIDGE);
    } catch (IllegalArgumentException refused) {
      assertArrayEquals(copy, classFile, "a refused class file was changed");
      return;
    }
    assertArrayEquals(copy, classFile, "the input was changed");
    if (verifies(classFile) == null) {
      Throwable error = verifies(patched.classFile());
      if (error != null) {
        fail("the input verifies, the patched class does not", error);
      }
    }
  }

  /** Defines the class in a fresh loader and links it (reflection links, and so verifies); the error, or null. */
  private static Throwable verifies(byte[] classFile) {
    try {
      new ClassLoader(ProloguePatcherFuzzTest.class.getClassLoader()) {
        Class<?> linked() {
          Class<?> type = defineClass(null, classFile, 0, classFile.length);
          type.getDeclaredMethods();
          return type;
        }
      }.linked();
      return null;
    } catch (LinkageError | SecurityException | IllegalArgumentException | ClassCastException e) {
      return e;
    }
  }
}
