package io.mcpauth.core.logging;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Everything the agent logs while it is open: "LEVEL message", then " | Class: message" per cause. */
public final class CapturedLog implements AutoCloseable {

  private final List<String> lines = new CopyOnWriteArrayList<>();

  public CapturedLog() {
    AgentLog.capture(lines::add);
  }

  public List<String> lines() {
    return List.copyOf(lines);
  }

  public String text() {
    return String.join("\n", lines());
  }

  @Override
  public void close() {
    AgentLog.capture(null);
  }
}
