package io.mcpauth.core.instrumentation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcpauth.core.instrumentation.ProloguePatcher.Prologue;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.net.URL;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The class-file patcher, proven by the JVM itself: every patched class is defined in a fresh
 * class loader, so the verifier checks its stack map frames and offsets, and then run.
 */
class ProloguePatcherTest {

  static final String TEST_BRIDGE = "io/mcpauth/core/instrumentation/TestBridge";
  private static final String SERVLET = "(Ljakarta/servlet/http/HttpServletRequest;Ljakarta/servlet/http/HttpServletResponse;)V";
  private static final String SHAPES = "io.mcpauth.core.instrumentation.PrologueShapes";
  private static final Prologue ENTRY = new Prologue(PrologueShape.SERVLET_ENTRY, BridgeCalls.SERVLET_ENTRY);
  static final Map<String, Prologue> PROLOGUES = Map.of(
      "doGet" + SERVLET, ENTRY,
      "doPost" + SERVLET, ENTRY,
      "doDelete" + SERVLET, ENTRY,
      "service" + SERVLET, new Prologue(PrologueShape.RETURN_IF_TRUE, BridgeCalls.SERVLET_SERVICE),
      "handlePost(Ljava/lang/Object;)Ljava/lang/CharSequence;", new Prologue(PrologueShape.RETURN_IF_NONNULL, BridgeCalls.SPRING_ENTRY));

  private final HttpServletRequest request = proxy(HttpServletRequest.class, "request");
  private final HttpServletResponse response = proxy(HttpServletResponse.class, "response");

  @BeforeEach
  void reset() {
    TestBridge.calls.clear();
    TestBridge.entryAnswer = Boolean.TRUE;
    TestBridge.serviceAnswer = false;
    TestBridge.replyAnswer = null;
    PrologueShapes.trace.clear();
  }

  @Test
  @DisplayName("admitted, every patched method does exactly what the original does")
  void admittedMethodsBehaveAsTheOriginal() throws Exception {
    ProloguePatcher.Patched patched = ProloguePatcher.patch(classFile(SHAPES), PROLOGUES, TEST_BRIDGE);
    assertEquals(Set.of("doGet", "doPost", "doDelete", "service", "handlePost"), Set.copyOf(patched.hooked()));
    assertEquals(5, patched.hooked().size());
    Class<?> copy = define(SHAPES, patched.classFile());

    List<Object> originalResults = exercise(new PrologueShapes());
    List<String> originalTrace = new ArrayList<>(PrologueShapes.trace);
    List<Object> patchedResults = exercise(copy.getConstructor().newInstance());
    @SuppressWarnings("unchecked")
    List<String> patchedTrace = (List<String>) copy.getField("trace").get(null);

    assertEquals(originalTrace, patchedTrace);
    assertEquals(originalResults, patchedResults);
    // the paths that matter were taken: the loop, both switches' cases, the handler
    assertTrue(originalTrace.containsAll(List.of("doGet 3 response", "doPost three other many caught three finally response",
        "doPost zero s4 many ok finally response", "doPost one s5 many ok finally response", "service zero")), originalTrace::toString);
    // 3 doGet + 5 doPost + 1 doDelete through servletEntry, 1 service, 3 handlePost
    assertEquals(9, TestBridge.calls.stream().filter(call -> call.equals("servletEntry PrologueShapes")).count());
    assertEquals(1, TestBridge.calls.stream().filter(call -> call.equals("servletService")).count());
    assertEquals(List.of("springEntry a", "springEntry b", "springEntry c"),
        TestBridge.calls.stream().filter(call -> call.startsWith("springEntry")).toList());
  }

  @Test
  @DisplayName("the bridge's answer decides: no original code runs for a refused request")
  void theBridgeDecides() throws Exception {
    Class<?> copy = define(SHAPES, ProloguePatcher.patch(classFile(SHAPES), PROLOGUES, TEST_BRIDGE).classFile());
    Object shapes = copy.getConstructor().newInstance();
    @SuppressWarnings("unchecked")
    List<String> trace = (List<String>) copy.getField("trace").get(null);

    TestBridge.entryAnswer = null;
    for (String name : List.of("doGet", "doPost", "doDelete")) {
      invoke(shapes, name, request, response);
    }
    TestBridge.serviceAnswer = true;
    invoke(shapes, "service", request, response);
    assertEquals(List.of(), trace);
    assertEquals(4, TestBridge.calls.size());

    TestBridge.entryAnswer = proxy(HttpServletResponse.class, "wrapped response");
    invoke(shapes, "doDelete", request, response);
    assertEquals(List.of("doDelete wrapped response"), trace);

    TestBridge.replyAnswer = "from the gate";
    assertEquals("from the gate", invoke(shapes, "handlePost", "a"));
    TestBridge.replyAnswer = 42;
    InvocationTargetException wrongType = assertThrows(InvocationTargetException.class,
        () -> invoke(shapes, "handlePost", "a"));
    assertTrue(wrongType.getCause() instanceof ClassCastException, wrongType.getCause()::toString);
  }

  @Test
  @DisplayName("stack traces still name the original lines: the line number table moved with the code")
  void lineNumbersMoveWithTheCode() throws Exception {
    Class<?> copy = define(SHAPES, ProloguePatcher.patch(classFile(SHAPES), PROLOGUES, TEST_BRIDGE).classFile());
    int original = thrownAtLine(new PrologueShapes());
    assertTrue(original > 0);
    assertEquals(original, thrownAtLine(copy.getConstructor().newInstance()));
  }

  private static int thrownAtLine(Object shapes) throws Exception {
    InvocationTargetException thrown = assertThrows(InvocationTargetException.class, () -> invoke(shapes, "handlePost", "boom"));
    return thrown.getCause().getStackTrace()[0].getLineNumber();
  }

  @Test
  @DisplayName("a class with no chosen method comes back as it was")
  void nothingChosenNothingChanged() throws Exception {
    byte[] original = classFile(SHAPES);
    ProloguePatcher.Patched patched = ProloguePatcher.patch(original, Map.of("absent()V", ENTRY), TEST_BRIDGE);
    assertSame(original, patched.classFile());
    assertEquals(List.of(), patched.hooked());
  }

  @Test
  @DisplayName("the real HttpServlet and SDK transports, hooked for production, pass the verifier")
  void realClassesVerify() throws Exception {
    byte[] servlet = Hooks.hook("jakarta/servlet/http/HttpServlet", classFile("jakarta.servlet.http.HttpServlet"), false);
    assertEquals(1, MethodCalls.count(MethodCalls.in(servlet), "io/mcpauth/agent/bootstrap/AuthBridge.servletService"));
    define("jakarta.servlet.http.HttpServlet", servlet);

    int transports = 0;
    for (String name : Hooks.TRANSPORTS.keySet()) {
      URL sdk = sdkClass(name);
      if (sdk == null) {
        continue; // a Spring transport, or one this SDK version does not have
      }
      byte[] hooked = Hooks.hook(name, read(sdk), false);
      List<String> calls = MethodCalls.in(hooked);
      for (String entryPoint : Hooks.TRANSPORTS.get(name)) {
        assertTrue(calls.contains(entryPoint + " -> io/mcpauth/agent/bootstrap/AuthBridge.servletEntry"), name + " " + entryPoint);
      }
      assertEquals(0, MethodCalls.count(calls, ContextExtractorCalls.EXTRACTOR + ".extract"), name);
      assertTrue(MethodCalls.count(calls, "io/mcpauth/agent/bootstrap/AuthBridge.transportContextSite (invokedynamic)") >= 1,
          name);
      define(name.replace('/', '.'), hooked, sdk);
      transports++;
    }
    assertEquals(3, transports, "the servlet transports of the SDK on the test class path");
  }

  @Test
  @DisplayName("a truncated or damaged class file is refused with IllegalArgumentException, never half-patched")
  void malformedClassFiles() throws Exception {
    byte[] original = classFile(SHAPES);
    for (int length = 0; length < original.length; length++) {
      byte[] truncated = Arrays.copyOf(original, length);
      assertThrows(IllegalArgumentException.class, () -> ProloguePatcher.patch(truncated, PROLOGUES, TEST_BRIDGE),
          "truncated to " + length);
    }
    byte[] notAClass = original.clone();
    notAClass[0] = 0;
    assertThrows(IllegalArgumentException.class, () -> ProloguePatcher.patch(notAClass, PROLOGUES, TEST_BRIDGE));
    byte[] trailing = Arrays.copyOf(original, original.length + 1);
    assertThrows(IllegalArgumentException.class, () -> ProloguePatcher.patch(trailing, PROLOGUES, TEST_BRIDGE));
  }

  @Test
  @DisplayName("patching twice gives the same bytes: the output depends on the input alone")
  void deterministic() throws Exception {
    byte[] original = classFile(SHAPES);
    assertArrayEquals(ProloguePatcher.patch(original, PROLOGUES, TEST_BRIDGE).classFile(),
        ProloguePatcher.patch(original, PROLOGUES, TEST_BRIDGE).classFile());
  }

  private List<Object> exercise(Object shapes) throws Exception {
    List<Object> results = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      invoke(shapes, "doGet", request, response);
    }
    for (int i = 0; i < 5; i++) {
      invoke(shapes, "doPost", request, response);
    }
    invoke(shapes, "doDelete", request, response);
    invoke(shapes, "service", request, response);
    for (String argument : List.of("a", "b", "c")) {
      results.add(String.valueOf(invoke(shapes, "handlePost", argument)));
    }
    results.add(invoke(shapes, "untouched", 1));
    results.add(invoke(shapes, "untouched", -1));
    return results;
  }

  private static Object invoke(Object target, String name, Object... arguments) throws Exception {
    for (Method method : target.getClass().getMethods()) {
      if (method.getName().equals(name) && method.getParameterCount() == arguments.length) {
        return method.invoke(target, arguments);
      }
    }
    throw new NoSuchMethodException(name);
  }

  private static <T> T proxy(Class<T> type, String label) {
    return type.cast(Proxy.newProxyInstance(ProloguePatcherTest.class.getClassLoader(), new Class<?>[] {type},
        (self, method, arguments) -> method.getName().equals("toString") ? label : null));
  }

  private static byte[] classFile(String name) throws IOException {
    return read(ProloguePatcherTest.class.getClassLoader().getResource(name.replace('.', '/') + ".class"));
  }

  /** The SDK jar's own copy: the test sources shadow some transports with fakes of the same name. */
  private static URL sdkClass(String internalName) throws IOException {
    for (URL url : Collections.list(ProloguePatcherTest.class.getClassLoader().getResources(internalName + ".class"))) {
      if (url.getProtocol().equals("jar")) {
        return url;
      }
    }
    return null;
  }

  private static byte[] read(URL url) throws IOException {
    try (InputStream in = url.openStream()) {
      return in.readAllBytes();
    }
  }

  /** Defines the class in a fresh loader and initialises it, which runs the verifier on it. */
  private static Class<?> define(String name, byte[] classFile) throws Exception {
    return define(name, classFile, null);
  }

  /**
   * @param home where the class came from: the SDK's other classes are loaded from that jar into
   *     the same fresh loader, so that none of them is paired with a copy (or a test fake) of another
   *     loader; null for a class whose nested classes alone are to be loaded anew
   */
  private static Class<?> define(String name, byte[] classFile, URL home) throws Exception {
    String jarBase = home == null ? null : home.toString().substring(0, home.toString().length() - (name.length() + 6));
    ClassLoader loader = new ClassLoader(ProloguePatcherTest.class.getClassLoader()) {
      @Override
      protected Class<?> loadClass(String className, boolean resolve) throws ClassNotFoundException {
        synchronized (getClassLoadingLock(className)) {
          Class<?> loaded = findLoadedClass(className);
          if (loaded != null) {
            return loaded;
          }
          if (className.equals(name)) {
            return defineClass(className, classFile, 0, classFile.length);
          }
          String path = className.replace('.', '/') + ".class";
          URL copy = null;
          if (jarBase != null && className.startsWith("io.modelcontextprotocol.")) {
            copy = resource(jarBase + path);
          } else if (className.startsWith(name + "$")) {
            copy = getParent().getResource(path);
          }
          if (copy != null) {
            try {
              byte[] bytes = read(copy);
              return defineClass(className, bytes, 0, bytes.length);
            } catch (IOException e) {
              throw new ClassNotFoundException(className, e);
            }
          }
          return super.loadClass(className, resolve);
        }
      }
    };
    return Class.forName(name, true, loader);
  }

  /** The URL if it can be read, else null. */
  private static URL resource(String url) {
    try {
      URL resource = new URL(url);
      resource.openStream().close();
      return resource;
    } catch (IOException e) {
      return null;
    }
  }
}
