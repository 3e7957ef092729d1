package io.modelcontextprotocol.server.transport;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Mimics an SDK version the agent does not recognise: the name of the streamable transport, but
 * its DELETE entry point has a changed signature.
 */
public class HttpServletStreamableServerTransportProvider extends HttpServlet {

  public static final AtomicInteger DISPATCHED = new AtomicInteger();

  @Override
  protected void doGet(HttpServletRequest request, HttpServletResponse response) {
    DISPATCHED.incrementAndGet();
  }

  @Override
  protected void doPost(HttpServletRequest request, HttpServletResponse response) {
    DISPATCHED.incrementAndGet();
    response.setStatus(200);
  }

  protected void doDelete(HttpServletRequest request) {
    DISPATCHED.incrementAndGet();
  }
}
