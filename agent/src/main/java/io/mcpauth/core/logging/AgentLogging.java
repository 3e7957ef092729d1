package io.mcpauth.core.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.FileAppender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * Configures the agent's own (relocated) logback in code. Registered as a logback
 * {@link Configurator} service inside the hidden core, so it runs before logback would look for
 * any configuration file, and it stops the search: the host's logback.xml is never read.
 */
public final class AgentLogging extends ContextAwareBase implements Configurator {

  private static volatile String level = "INFO";
  private static volatile String file;

  /** Called once, before the first logger is created. */
  public static void settings(String logLevel, String logFile) {
    level = logLevel;
    file = logFile;
  }

  @Override
  public ExecutionStatus configure(LoggerContext context) {
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern("%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} mcpauth %-5level %msg%n%ex{short}");
    encoder.start();

    OutputStreamAppender<ILoggingEvent> appender;
    if (file != null) {
      FileAppender<ILoggingEvent> fileAppender = new FileAppender<>();
      fileAppender.setFile(file);
      appender = fileAppender;
    } else {
      ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
      console.setTarget("System.err");
      appender = console;
    }
    appender.setContext(context);
    appender.setName("mcpauth");
    appender.setEncoder(encoder);
    appender.start();

    ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.detachAndStopAllAppenders();
    root.setLevel(Level.toLevel(level, Level.INFO));
    root.addAppender(appender);
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }
}
