package io.mcpauth.core;

import io.mcpauth.agent.bootstrap.AuthBridge;
import io.mcpauth.core.alerts.SecurityAlerts;
import io.mcpauth.core.audit.AuditEvents;
import io.mcpauth.core.audit.AuditFileWriter;
import io.mcpauth.core.authserver.AuthServer;
import io.mcpauth.core.config.AuditConfig;
import java.util.Arrays;
import io.mcpauth.core.config.AgentConfig;
import io.mcpauth.core.config.ConfigParser;
import io.mcpauth.core.config.ConfigSources;
import io.mcpauth.core.config.InvalidConfigException;
import io.mcpauth.core.config.MetricsConfig;
import io.mcpauth.core.gate.BearerGate;
import io.mcpauth.core.instrumentation.AgentInstaller;
import io.mcpauth.core.issuers.ExternalIssuers;
import io.mcpauth.core.logging.AgentLog;
import io.mcpauth.core.metrics.AgentMetrics;
import io.mcpauth.core.metrics.MetricsEndpoint;
import io.mcpauth.core.metrics.MetricsMBeans;
import io.mcpauth.core.token.AccessTokenVerifier;
import io.mcpauth.core.token.TokenVerifier;
import io.mcpauth.core.token.VerifiedTokenCache;
import java.io.IOException;
import java.io.Reader;
import java.lang.instrument.Instrumentation;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.time.Clock;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** The core's entry point, called reflectively by the launcher once the bridge is on the bootstrap path. */
public final class AgentStarter {

  private AgentStarter() {}

  public static void start(Instrumentation instrumentation, String agentArgs, boolean attached) throws Exception {
    long started = System.nanoTime();
    AgentConfig config;
    try {
      config = ConfigParser.parse(attached ? ConfigSources.fromProcess(attachSettings(agentArgs)) : ConfigSources.fromProcess());
    } catch (InvalidConfigException e) {
      System.err.println(e.getMessage());
      if (attached) {
        System.setProperty(ConfigSources.STATE_PROPERTY, "failed: " + e.getMessage());
        return;
      }
      // Fail closed: the JVM never serves with a configuration we cannot enforce.
      System.exit(2);
      return;
    }
    AgentLog.settings(config.logLevel(), config.logFile());
    // Key fetches and logging run on this one daemon thread: the HTTP client, the key parsers and
    // the log's time formatting load classes that must stay off the JVM's start-up path.
    ExecutorService background = Executors.newSingleThreadExecutor(runnable -> {
      Thread thread = new Thread(runnable, "mcpauth");
      thread.setDaemon(true);
      return thread;
    });
    if (!config.enabled()) {
      background.execute(() -> AgentLog.warn(
          "mcpauth.enabled=false: the agent is loaded but the MCP server is NOT protected"));
      return;
    }

    Clock clock = Clock.systemUTC();
    AuditEvents audit = audit(config.audit());
    AccessTokenVerifier tokens;
    ExternalIssuers external = null;
    if (config.embeddedAuthServer()) {
      AuthServer authServer;
      try {
        authServer = AuthServer.start(config, clock, background, audit);
      } catch (AuthServer.StartException e) {
        System.err.println("mcpauth: " + e.getMessage());
        if (attached) {
          System.setProperty(ConfigSources.STATE_PROPERTY, "failed: " + e.getMessage());
          return;
        }
        System.exit(2);
        return;
      }
      config = authServer.agentConfig();
      VerifiedTokenCache cache = new VerifiedTokenCache(config.tokenCacheSize(), clock, authServer.revocations());
      tokens = cache.inFrontOf(new TokenVerifier(config, authServer.keySource(), clock));
    } else {
      external = ExternalIssuers.of(config, background, clock, audit);
      tokens = external.verifier();
    }
    BearerGate gate = new BearerGate(config, tokens, audit);
    if (!AuthBridge.install(gate)) {
      background.execute(() -> AgentLog.warn("a gate is already installed in this JVM; nothing to do"));
      return;
    }
    AgentInstaller.install(instrumentation, gate::refuseTransport, background, attached,
        config.scopePolicy().readsMessages() || audit.recordsAdmissions(), config.filterToolList());
    System.setProperty(ConfigSources.STATE_PROPERTY, "active");
    long startupMillis = (System.nanoTime() - started) / 1_000_000;
    if (external != null) {
      // Before the first log line: the first verified request waits for the keys, not for the log.
      external.prefetch();
    }
    AgentConfig active = config;
    background.execute(() -> AgentLog.info(
        "mcpauth {} protecting MCP transports {} for resource {} with tokens from {} issuer {}; started in {} ms",
        BuildInfo.current().describe(), AgentInstaller.transportClassNames(),
        active.loopbackResource() ? "(the loopback origin each client uses)" : active.resource(),
        active.embeddedAuthServer() ? "the embedded authorization server, " : "", active.issuer(), startupMillis));
    if (external != null) {
      background.execute(external::logIssuers);
    }
    exposeMetrics(active.metrics(), background);
  }

  /** On the background thread: neither the MBean server nor an HTTP server starts on the JVM's start-up path. */
  private static void exposeMetrics(MetricsConfig metrics, ExecutorService background) {
    if (metrics.jmx()) {
      background.execute(() -> MetricsMBeans.register(AgentMetrics.agent()));
    }
    if (metrics.http()) {
      background.execute(() -> {
        try {
          MetricsEndpoint endpoint = MetricsEndpoint.start(metrics, AgentMetrics.agent());
          AgentLog.info("metrics at http://{}:{}/metrics", metrics.bindAddress().getHostAddress(), endpoint.port());
        } catch (IOException | RuntimeException e) {
          // The server stays protected; only its metrics are missing, and this line says so.
          AgentLog.error("the metrics endpoint cannot listen on {}:{} ({}); no metrics over HTTP",
              metrics.bindAddress().getHostAddress(), metrics.port(), e.toString());
        }
      });
    }
  }

  /**
   * The trail (when {@code mcpauth.audit.file} is set) and the security alerts, which run either way.
   * The trail's writer thread starts here, so it is ready before the first request.
   */
  private static AuditEvents audit(AuditConfig settings) {
    AuditFileWriter trail = settings.on() ? AuditFileWriter.start(settings) : null;
    return new AuditEvents(Arrays.asList(trail, new SecurityAlerts(settings.alerts(), trail, System::nanoTime)));
  }

  /** The attach command passes {@code config=<file>}: a properties file readable only by this user. */
  private static Properties attachSettings(String agentArgs) throws IOException {
    Properties settings = new Properties();
    if (agentArgs != null && agentArgs.startsWith("config=")) {
      try (Reader reader = Files.newBufferedReader(Path.of(agentArgs.substring("config=".length())), StandardCharsets.UTF_8)) {
        settings.load(reader);
      }
    }
    return settings;
  }
}
