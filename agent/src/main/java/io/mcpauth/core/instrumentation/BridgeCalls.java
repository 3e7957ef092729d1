package io.mcpauth.core.instrumentation;

import io.mcpauth.agent.bootstrap.AuthBridge;

/**
 * Every {@link AuthBridge} method the rewritten classes call, by name and descriptor, defined once
 * here; {@code BridgeCallsTest} checks each against the bridge itself.
 */
final class BridgeCalls {

  /** A static method of the bridge. */
  record Call(String name, String descriptor) {}

  static final String OWNER = AuthBridge.class.getName().replace('.', '/');

  private static final String O = "Ljava/lang/Object;";
  private static final String CLASS = "Ljava/lang/Class;";

  static final Call SERVLET_ENTRY = new Call("servletEntry", "(" + O + O + O + ")" + O);
  static final Call SERVLET_SERVICE = new Call("servletService", "(" + O + O + O + ")Z");
  static final Call SPRING_ENTRY = new Call("springEntry", "(" + O + O + ")" + O);
  static final Call WEBFLUX_DISPATCH = new Call("webFluxDispatch", "(" + O + O + ")" + O);
  static final Call STREAM_STARTED = new Call("streamStarted", "(" + O + O + O + ")V");
  static final Call READ_BODY = new Call("readBody", "(" + O + "I" + CLASS + ")" + O);
  static final Call GET_READER = new Call("getReader", "(" + O + CLASS + ")" + O);
  static final Call BODY = new Call("body", "(" + O + O + CLASS + ")" + O);
  static final Call BODY_TO_MONO = new Call("bodyToMono", "(" + O + O + CLASS + ")" + O);
  static final Call VISIBLE_TOOLS = new Call("visibleTools", "(" + O + O + ")" + O);
  /** The bootstrap method of the invokedynamic that replaces a transport's {@code contextExtractor.extract(request)}. */
  static final Call TRANSPORT_CONTEXT_SITE = new Call("transportContextSite",
      "(Ljava/lang/invoke/MethodHandles$Lookup;Ljava/lang/String;Ljava/lang/invoke/MethodType;)Ljava/lang/invoke/CallSite;");
  /** What that call site is linked to, with the transport class bound. */
  static final Call TRANSPORT_CONTEXT = new Call("transportContext", "(" + O + O + CLASS + ")" + O);
  /** The same for SDK 0.11's {@code extract(request, context)}. */
  static final Call SEEDED_TRANSPORT_CONTEXT = new Call("seededTransportContext", "(" + O + O + O + CLASS + ")" + O);

  static final Call[] ALL = {SERVLET_ENTRY, SERVLET_SERVICE, SPRING_ENTRY, WEBFLUX_DISPATCH, STREAM_STARTED, READ_BODY,
      GET_READER, BODY, BODY_TO_MONO, VISIBLE_TOOLS, TRANSPORT_CONTEXT_SITE, TRANSPORT_CONTEXT,
      SEEDED_TRANSPORT_CONTEXT};

  private BridgeCalls() {}
}
