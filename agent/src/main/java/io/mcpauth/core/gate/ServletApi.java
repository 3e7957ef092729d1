package io.mcpauth.core.gate;

import java.io.PrintWriter;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Enumeration;

/**
 * The few servlet methods the gate calls, through method handles: the core cannot link against
 * the host's {@code jakarta.servlet} classes, which live in the host's class loaders. Resolved
 * once per hooked servlet class, from that class's own loader, so the handles are the very
 * interfaces the host compiled against (a Tomcat webapp, a Spring Boot fat jar alike).
 */
final class ServletApi implements TransportContexts.AttributeReader {

  private static final ClassValue<ServletApi> BY_SERVLET_CLASS = new ClassValue<>() {
    @Override
    protected ServletApi computeValue(Class<?> servletClass) {
      try {
        return new ServletApi(servletClass.getClassLoader());
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException("servlet API not reachable from " + servletClass.getName(), e);
      }
    }
  };

  private final MethodHandle getMethod;
  private final MethodHandle getRequestUri;
  private final MethodHandle getHeaders;
  private final MethodHandle setStatus;
  private final MethodHandle setHeader;
  private final MethodHandle setContentType;
  private final MethodHandle setCharacterEncoding;
  private final MethodHandle setContentLength;
  private final MethodHandle getWriter;
  private final MethodHandle getParameterValues;
  private final MethodHandle getRemoteAddr;
  private final MethodHandle getAttribute;
  private final MethodHandle setAttribute;
  private final MethodHandle removeAttribute;
  private final MethodHandle getContentLength;
  private final MethodHandle getInputStream;
  private final MethodHandle asyncRequest;
  private final MethodHandle asyncComplete;
  final Class<?> responseInterface;

  private ServletApi(ClassLoader loader) throws ReflectiveOperationException {
    Class<?> request = Class.forName("jakarta.servlet.http.HttpServletRequest", false, loader);
    Class<?> response = Class.forName("jakarta.servlet.http.HttpServletResponse", false, loader);
    MethodHandles.Lookup lookup = MethodHandles.publicLookup();
    getMethod = virtual(lookup, request, "getMethod", MethodType.methodType(String.class));
    getRequestUri = virtual(lookup, request, "getRequestURI", MethodType.methodType(String.class));
    getHeaders = virtual(lookup, request, "getHeaders", MethodType.methodType(Enumeration.class, String.class));
    setStatus = virtual(lookup, response, "setStatus", MethodType.methodType(void.class, int.class));
    setHeader = virtual(lookup, response, "setHeader", MethodType.methodType(void.class, String.class, String.class));
    setContentType = virtual(lookup, response, "setContentType", MethodType.methodType(void.class, String.class));
    setCharacterEncoding = virtual(lookup, response, "setCharacterEncoding", MethodType.methodType(void.class, String.class));
    setContentLength = virtual(lookup, response, "setContentLength", MethodType.methodType(void.class, int.class));
    getWriter = virtual(lookup, response, "getWriter", MethodType.methodType(PrintWriter.class));
    getParameterValues = virtual(lookup, request, "getParameterValues", MethodType.methodType(String[].class, String.class));
    Class<?> servletRequest = Class.forName("jakarta.servlet.ServletRequest", false, loader);
    getRemoteAddr = virtual(lookup, request, "getRemoteAddr", MethodType.methodType(String.class));
    getAttribute = virtual(lookup, request, "getAttribute", MethodType.methodType(Object.class, String.class));
    setAttribute = virtual(lookup, request, "setAttribute", MethodType.methodType(void.class, String.class, Object.class));
    removeAttribute = virtual(lookup, request, "removeAttribute", MethodType.methodType(void.class, String.class));
    getContentLength = virtual(lookup, request, "getContentLengthLong", MethodType.methodType(long.class));
    MethodHandle inputStream = virtual(lookup, request, "getInputStream",
        MethodType.methodType(Class.forName("jakarta.servlet.ServletInputStream", false, loader)));
    getInputStream = inputStream.asType(inputStream.type().changeReturnType(java.io.InputStream.class));
    MethodHandle getRequest = virtual(lookup, Class.forName("jakarta.servlet.AsyncContext", false, loader),
        "getRequest", MethodType.methodType(servletRequest));
    asyncRequest = getRequest.asType(getRequest.type().changeReturnType(Object.class));
    asyncComplete = virtual(lookup, Class.forName("jakarta.servlet.AsyncContext", false, loader), "complete",
        MethodType.methodType(void.class));
    responseInterface = response;
  }

  /** The API as seen from an object of the host's, e.g. an {@code AsyncContext}. */
  static ServletApi ofLoaderOf(Class<?> hostClass) {
    return BY_SERVLET_CLASS.get(hostClass);
  }

  static ServletApi of(Class<?> servletClass) {
    return BY_SERVLET_CLASS.get(servletClass);
  }

  /** A handle whose receiver is typed Object, so it can be invoked exactly from here. */
  private static MethodHandle virtual(MethodHandles.Lookup lookup, Class<?> owner, String name, MethodType type)
      throws ReflectiveOperationException {
    MethodHandle handle = lookup.findVirtual(owner, name, type);
    return handle.asType(handle.type().changeParameterType(0, Object.class));
  }

  String method(Object request) throws Throwable {
    return (String) getMethod.invokeExact(request);
  }

  String requestUri(Object request) throws Throwable {
    return (String) getRequestUri.invokeExact(request);
  }

  @SuppressWarnings("unchecked")
  Enumeration<String> headers(Object request, String name) throws Throwable {
    return (Enumeration<String>) (Enumeration<?>) getHeaders.invokeExact(request, name);
  }

  /**
   * Every value of parameter {@code name}, or null: the container's own decoding of names and values,
   * over the query string and a form body alike, so exactly what {@code getParameter} gives the transport.
   */
  String[] parameterValues(Object request, String name) throws Throwable {
    return (String[]) getParameterValues.invokeExact(request, name);
  }

  String remoteAddress(Object request) throws Throwable {
    return (String) getRemoteAddr.invokeExact(request);
  }

  @Override
  public Object attribute(Object request, String name) throws Throwable {
    return (Object) getAttribute.invokeExact(request, name);
  }

  void setAttribute(Object request, String name, Object value) throws Throwable {
    setAttribute.invokeExact(request, name, value);
  }

  void removeAttribute(Object request, String name) throws Throwable {
    removeAttribute.invokeExact(request, name);
  }

  /** The Content-Length, or -1 when it is not known. */
  long contentLength(Object request) throws Throwable {
    return (long) getContentLength.invokeExact(request);
  }

  java.io.InputStream inputStream(Object request) throws Throwable {
    return (java.io.InputStream) getInputStream.invokeExact(request);
  }

  /** {@code asyncContext.getRequest()}. */
  Object requestOf(Object asyncContext) throws Throwable {
    return (Object) asyncRequest.invokeExact(asyncContext);
  }

  /** {@code asyncContext.complete()}: ends a stream. */
  void complete(Object asyncContext) throws Throwable {
    asyncComplete.invokeExact(asyncContext);
  }

  /** Writes the reply with setStatus, not sendError: an error dispatch could reach a /*-mapped transport. */
  void write(Object response, Reply reply) throws Throwable {
    setStatus.invokeExact(response, reply.status);
    for (int i = 0; i + 1 < reply.headers.length; i += 2) {
      setHeader.invokeExact(response, reply.headers[i], reply.headers[i + 1]);
    }
    setContentType.invokeExact(response, "application/json");
    setCharacterEncoding.invokeExact(response, "UTF-8");
    // With its length known, the container sends the reply in one write, not chunked and then ended by a second.
    setContentLength.invokeExact(response, reply.contentLength);
    PrintWriter writer = (PrintWriter) getWriter.invokeExact(response);
    writer.write(reply.body);
    writer.flush();
  }
}
