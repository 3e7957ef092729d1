package io.mcpauth.core.instrumentation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Each call of a context extractor becomes an invokedynamic the bridge links, and the class still verifies. */
class ContextExtractorCallsTest {

  private static final String NAME = "io.mcpauth.core.instrumentation.ContextCalls";
  private static final String LINKED = "io/mcpauth/agent/bootstrap/AuthBridge.transportContextSite (invokedynamic)";

  private static byte[] classFile(String name) throws IOException {
    try (InputStream in = ContextExtractorCallsTest.class.getResourceAsStream("/" + name.replace('.', '/') + ".class")) {
      return in.readAllBytes();
    }
  }

  @Test
  @DisplayName("every call, past switches, is rewritten; a BootstrapMethods attribute is added; the verifier accepts it")
  void everyCallIsRewritten() throws Exception {
    byte[] original = classFile(NAME);
    assertEquals(2, MethodCalls.count(MethodCalls.in(original), ContextExtractorCalls.EXTRACTOR + ".extract"));
    ContextExtractorCalls.Rewritten rewritten = ContextExtractorCalls.rewrite(original);
    assertEquals(2, rewritten.calls());
    List<String> calls = MethodCalls.in(rewritten.classFile());
    assertEquals(0, MethodCalls.count(calls, ContextExtractorCalls.EXTRACTOR + ".extract"));
    assertEquals(2, MethodCalls.count(calls, LINKED));
    Class<?> defined = new ClassLoader(ContextExtractorCallsTest.class.getClassLoader()) {
      Class<?> define() {
        return defineClass(NAME, rewritten.classFile(), 0, rewritten.classFile().length);
      }
    }.define();
    assertFalse(defined == ContextCalls.class, "defined anew");
    Class.forName(NAME, true, defined.getClassLoader()); // initialises, which runs the verifier
  }

  @Test
  @DisplayName("a class rewritten before is counted, not rewritten twice; one without calls comes back as it was")
  void rewrittenOnce() throws Exception {
    ContextExtractorCalls.Rewritten once = ContextExtractorCalls.rewrite(classFile(NAME));
    ContextExtractorCalls.Rewritten twice = ContextExtractorCalls.rewrite(once.classFile());
    assertEquals(2, twice.calls());
    assertArrayEquals(once.classFile(), twice.classFile());
    byte[] none = classFile("io.mcpauth.core.instrumentation.PrologueShapes");
    ContextExtractorCalls.Rewritten untouched = ContextExtractorCalls.rewrite(none);
    assertEquals(0, untouched.calls());
    assertSame(none, untouched.classFile());
  }
}
