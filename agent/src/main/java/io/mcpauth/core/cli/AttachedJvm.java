package io.mcpauth.core.cli;

import java.io.IOException;
import java.util.Properties;

/** A running JVM that the attach command talks to: read its system properties, load the agent into it. */
interface AttachedJvm extends AutoCloseable {

  Properties systemProperties() throws IOException;

  /** Loads {@code jar} as a Java agent with {@code options}; returns once the target has run its agentmain. */
  void loadAgent(String jar, String options) throws IOException;

  @Override
  void close() throws IOException;

  /**
   * Through the JDK's jdk.attach module where this runtime has it; otherwise through HotSpot's attach
   * socket directly, as container images with a jlink-built runtime need.
   */
  static AttachedJvm open(String pid) throws IOException {
    if (ModuleLayer.boot().findModule("jdk.attach").isPresent()) {
      return JdkAttachedJvm.attach(pid);
    }
    return HotSpotAttachSocket.attach(Long.parseLong(pid));
  }

  /** The target refused or could not be reached; the message says why and what to do. */
  final class AttachFailedException extends IOException {
    AttachFailedException(String message) {
      super(message);
    }
  }
}
