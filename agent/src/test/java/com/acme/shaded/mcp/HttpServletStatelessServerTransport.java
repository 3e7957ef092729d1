package com.acme.shaded.mcp;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.concurrent.atomic.AtomicInteger;

/** Mimics an application that shaded (relocated) the MCP Java SDK: the transport's name, another package. */
public class HttpServletStatelessServerTransport extends HttpServlet {

  public static final AtomicInteger DISPATCHED = new AtomicInteger();

  @Override
  protected void doPost(HttpServletRequest request, HttpServletResponse response) {
    DISPATCHED.incrementAndGet();
    response.setStatus(200);
  }
}
