package io.modelcontextprotocol.server.transport;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.concurrent.atomic.AtomicInteger;

/** Stands in for the SDK class of the same name, with its entry point shape: counts dispatches. */
public class HttpServletStatelessServerTransport extends HttpServlet {

  public static final AtomicInteger DISPATCHED = new AtomicInteger();

  @Override
  protected void doPost(HttpServletRequest request, HttpServletResponse response) {
    DISPATCHED.incrementAndGet();
    response.setStatus(200);
  }

  @Override
  protected void doGet(HttpServletRequest request, HttpServletResponse response) {
    DISPATCHED.incrementAndGet();
    response.setStatus(404);
  }
}
