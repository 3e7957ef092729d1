package io.mcpauth.core.gate;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodType;

/** Spring WebMVC's {@code ServerRequest}, and the servlet request under it (where the gate reads a POSTed body). */
final class WebMvcApi extends SpringRequestApi {

  private static final ClassValue<WebMvcApi> BY_CLASS = new ClassValue<>() {
    @Override
    protected WebMvcApi computeValue(Class<?> hooked) {
      try {
        return new WebMvcApi(hooked.getClassLoader());
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException("Spring WebMVC functional endpoints not reachable from " + hooked.getName(), e);
      }
    }
  };

  private static final String PACKAGE = "org.springframework.web.servlet.function.";

  private final MethodHandle servletRequest;

  private WebMvcApi(ClassLoader loader) throws ReflectiveOperationException {
    super(loader, PACKAGE, "body", null, "params");
    servletRequest = objectReceiver(LOOKUP.findVirtual(load(PACKAGE + "ServerRequest"), "servletRequest",
        MethodType.methodType(load("jakarta.servlet.http.HttpServletRequest"))));
  }

  static WebMvcApi of(Class<?> hooked) {
    return BY_CLASS.get(hooked);
  }

  @Override
  boolean mayWait() {
    return true;
  }

  /** {@code ServerRequest.servletRequest()}. */
  Object servletRequest(Object request) throws Throwable {
    return servletRequest.invoke(request);
  }
}
