package io.mcpauth.core.logging;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's logger, created on first use: initialising logback costs a good part of a second of
 * class loading, so nothing on the JVM's start-up path may touch it (see AgentStarter).
 */
public final class AgentLog {

  private AgentLog() {}

  public static Logger get() {
    return Holder.LOG;
  }

  private static final class Holder {
    static final Logger LOG = LoggerFactory.getLogger("mcpauth");
  }
}
