package io.mcpauth.core.logging;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import java.util.ArrayList;
import java.util.List;

/** Everything the agent logs while it is open: each line as formatted, with its exception messages. */
public final class CapturedLog implements AutoCloseable {

  private final Logger logger = (Logger) AgentLog.get();
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

  public CapturedLog() {
    appender.start();
    logger.addAppender(appender);
  }

  public List<String> lines() {
    List<String> lines = new ArrayList<>();
    for (ILoggingEvent event : new ArrayList<>(appender.list)) {
      StringBuilder line = new StringBuilder(event.getLevel() + " " + event.getFormattedMessage());
      for (IThrowableProxy error = event.getThrowableProxy(); error != null; error = error.getCause()) {
        line.append(" | ").append(error.getClassName()).append(": ").append(error.getMessage());
      }
      lines.add(line.toString());
    }
    return lines;
  }

  public String text() {
    return String.join("\n", lines());
  }

  @Override
  public void close() {
    logger.detachAppender(appender);
    appender.stop();
  }
}
