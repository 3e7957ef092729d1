package io.mcpauth.core.gate;

/**
 * What the gate decides on: the request exactly as the transport will read it. Each transport
 * family's adapter implements it over its own request type, reading each value once, lazily, from
 * the same methods the transport calls (the servlet container's header and parameter decoding, or
 * Spring's), so the gate never judges one reading and the transport acts on another.
 */
public interface RequestView {

  /**
   * Returned by {@link #header} and {@link #parameter} for a name the request carries more than
   * once; compared by identity. Which value the transport would use is not the gate's to guess.
   */
  @SuppressWarnings("StringOperationCanBeSimplified")
  String REPEATED = new String("(repeated)");

  String method();

  /** The request path (servlet {@code getRequestURI()}, Spring {@code path()}), for the log. */
  String path();

  /** The one value of header {@code name}: null when absent, {@link #REPEATED} when there are several. */
  String header(String name);

  /** The first value of header {@code name}, or null: for fields the transport reads only the first of. */
  String firstHeader(String name);

  /**
   * The one value of parameter {@code name} as the transport reads parameters (servlet
   * {@code getParameterValues}: the container's decoding of the query and a form body; WebMVC
   * {@code params()}; WebFlux {@code queryParams()}): null when absent, {@link #REPEATED} when there
   * are several.
   */
  String parameter(String name);

  /** The peer's address, as the container reports it; not used to decide, only to log. */
  String remoteAddress();

  /** How the transport handling this request names its sessions. */
  SessionStyle sessionStyle();

  /** False on an event loop (WebFlux): nothing may block on a key fetch or introspection. */
  boolean mayWait();

  /**
   * True where the transport creates its session ids out of the gate's sight (Spring): an unknown
   * session is bound to its first caller. Otherwise the gate binds sessions as the transport
   * creates them, and an unknown one is refused.
   */
  boolean bindsSessionsOnFirstUse();
}
