package io.modelcontextprotocol.server.transport;

/**
 * Mimics a Spring transport of an SDK version the agent does not know: the name of the WebMVC
 * stateless transport, without its {@code handlePost(ServerRequest)} entry point. Loaded only by
 * name in GateAdviceTest, never referenced directly.
 */
public class WebMvcStatelessServerTransport {

  public Object handlePost(Object request) {
    return "dispatched";
  }
}
