package io.mcpauth.agent.bootstrap;

import java.util.Enumeration;

/**
 * The one door from advice inlined into host classes to the hidden core. It is loaded by the
 * bootstrap loader, which every host class loader reaches, and it never throws: a gate that is
 * missing or fails yields a reply, never a dispatch.
 */
public final class AuthBridge {

  private static volatile Gate gate;

  private AuthBridge() {}

  /** Installs the gate once; a later call cannot replace it. */
  public static synchronized boolean install(Gate newGate) {
    if (gate != null || newGate == null) {
      return false;
    }
    gate = newGate;
    return true;
  }

  public static boolean installed() {
    return gate != null;
  }

  public static Reply check(String method, String path, Enumeration<String> authorization) {
    Gate current = gate;
    if (current == null) {
      return Reply.NOT_READY;
    }
    try {
      return current.check(method, path, authorization);
    } catch (Throwable t) {
      return Reply.GATE_FAILURE;
    }
  }

  public static Reply beforeService(String servletClass, String method, String path) {
    Gate current = gate;
    if (current == null) {
      return null; // before start-up completes no transport is reachable: their own advice says 503
    }
    try {
      return current.beforeService(servletClass, method, path);
    } catch (Throwable t) {
      return Reply.GATE_FAILURE;
    }
  }
}
