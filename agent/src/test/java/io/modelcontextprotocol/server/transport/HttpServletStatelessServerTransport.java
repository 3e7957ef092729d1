package io.modelcontextprotocol.server.transport;

import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.server.McpTransportContextExtractor;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Stands in for the SDK class of the same name, with its entry point shape and its call of the
 * context extractor: counts dispatches, keeps the last context.
 */
public class HttpServletStatelessServerTransport extends HttpServlet {

  public static final AtomicInteger DISPATCHED = new AtomicInteger();
  public static volatile McpTransportContext lastContext;

  private final McpTransportContextExtractor<HttpServletRequest> contextExtractor =
      request -> McpTransportContext.create(java.util.Map.of("app", "kept"));

  @Override
  protected void doPost(HttpServletRequest request, HttpServletResponse response) {
    DISPATCHED.incrementAndGet();
    lastContext = contextExtractor.extract(request);
    response.setStatus(200);
  }

  @Override
  protected void doGet(HttpServletRequest request, HttpServletResponse response) {
    DISPATCHED.incrementAndGet();
    response.setStatus(404);
  }
}
