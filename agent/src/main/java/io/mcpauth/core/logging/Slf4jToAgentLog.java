package io.mcpauth.core.logging;

import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;
import org.slf4j.helpers.NOPMDCAdapter;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * The provider of the agent's relocated slf4j, which jose4j logs through: its lines go to
 * {@link AgentLog}. Registered as a service inside the hidden core, so the relocated slf4j finds it
 * and never prints its "no providers" warning; the host's own slf4j never sees it.
 */
public final class Slf4jToAgentLog implements SLF4JServiceProvider {

  private final ILoggerFactory loggers = name -> Logger.INSTANCE;
  private final IMarkerFactory markers = new BasicMarkerFactory();
  private final MDCAdapter mdc = new NOPMDCAdapter();

  @Override
  public ILoggerFactory getLoggerFactory() {
    return loggers;
  }

  @Override
  public IMarkerFactory getMarkerFactory() {
    return markers;
  }

  @Override
  public MDCAdapter getMDCAdapter() {
    return mdc;
  }

  @Override
  public String getRequestedApiVersion() {
    return "2.0.99";
  }

  @Override
  public void initialize() {}

  private static final class Logger extends LegacyAbstractLogger {

    static final Logger INSTANCE = new Logger();

    private Logger() {
      name = "mcpauth";
    }

    @Override
    public boolean isTraceEnabled() {
      return AgentLog.enabled(AgentLog.Level.TRACE);
    }

    @Override
    public boolean isDebugEnabled() {
      return AgentLog.enabled(AgentLog.Level.DEBUG);
    }

    @Override
    public boolean isInfoEnabled() {
      return AgentLog.enabled(AgentLog.Level.INFO);
    }

    @Override
    public boolean isWarnEnabled() {
      return AgentLog.enabled(AgentLog.Level.WARN);
    }

    @Override
    public boolean isErrorEnabled() {
      return AgentLog.enabled(AgentLog.Level.ERROR);
    }

    @Override
    protected String getFullyQualifiedCallerName() {
      return null;
    }

    @Override
    protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] arguments,
        Throwable cause) {
      String message = MessageFormatter.basicArrayFormat(pattern, arguments);
      if (cause == null) {
        AgentLog.log(AgentLog.Level.valueOf(level.name()), "{}", message);
      } else {
        AgentLog.log(AgentLog.Level.valueOf(level.name()), "{}", message, cause);
      }
    }
  }
}
