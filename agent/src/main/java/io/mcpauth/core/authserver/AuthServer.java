package io.mcpauth.core.authserver;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.mcpauth.core.authserver.clients.ClientMetadataDocuments;
import io.mcpauth.core.authserver.clients.TrustedHosts;
import io.mcpauth.core.authserver.store.ClientStore;
import io.mcpauth.core.authserver.store.DataDirectory;
import io.mcpauth.core.authserver.store.GrantStore;
import io.mcpauth.core.authserver.store.SigningKeys;
import io.mcpauth.core.authserver.users.UserStore;
import io.mcpauth.core.config.AgentConfig;
import io.mcpauth.core.config.AuthServerConfig;
import io.mcpauth.core.logging.AgentLog;
import io.mcpauth.core.token.KeySource;
import io.mcpauth.core.token.TokenVerifier;
import io.mcpauth.core.token.VerifiedToken;
import io.mcpauth.core.token.VerifiedTokenCache;
import java.io.IOException;
import java.io.InputStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * The embedded OAuth 2.1 authorization server, on the JDK's own {@code com.sun.net.httpserver} so
 * that nothing new lands on the host application's class path. It binds, opens its data directory
 * and loads every store before the agent admits a single request: any failure stops start-up.
 */
public final class AuthServer {

  /** The server could not start; the message is one line that names the setting to change. */
  public static final class StartException extends Exception {
    StartException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private final URI issuer;
  private final AgentConfig agentConfig;
  private final GrantStore grants;
  private final KeySource keySource;
  private final HttpServer server;

  private AuthServer(URI issuer, AgentConfig agentConfig, GrantStore grants, KeySource keySource, HttpServer server) {
    this.issuer = issuer;
    this.agentConfig = agentConfig;
    this.grants = grants;
    this.keySource = keySource;
    this.server = server;
  }

  /** @param log where start-up notes are logged from: initialising logging must stay off the start-up path */
  public static AuthServer start(AgentConfig config, Clock clock, Executor log) throws StartException {
    AuthServerConfig settings = config.authServer();
    HttpServer server = bind(settings);
    try {
      URI issuer = settings.issuerFor(server.getAddress().getPort());
      AgentConfig bound = config.withIssuer(issuer);
      AuthServerConfig as = bound.authServer();
      long now = clock.instant().getEpochSecond();
      DataDirectory data = open(as);
      Duration tokenLifetime = as.accessTokenLifetime().plus(config.clockSkew());
      SigningKeys keys = storeStep("signing keys", () -> SigningKeys.open(data, tokenLifetime, now));
      ClientStore clientStore = storeStep("clients", () -> ClientStore.open(data));
      GrantStore grants = storeStep("grants", () -> GrantStore.open(data,
          as.refreshTokenLifetime().plus(tokenLifetime).toSeconds()));
      UserStore users = storeStep("users", () -> UserStore.open(as.usersFile()));
      KeySource keySource = new EmbeddedKeySource(keys, clock);
      Routes routes = routes(bound, as, issuer.toString(), keys, clientStore, grants, users, keySource, clock);
      server.createContext("/", routes::dispatch);
      server.setExecutor(executor());
      startDaemon(server);
      AuthServer authServer = new AuthServer(issuer, bound, grants, keySource, server);
      authServer.maintain(keys, clientStore, as, clock);
      if (storeStep("users", users::isEmpty)) {
        log.execute(() -> AgentLog.warn("authorization server: no users yet, so nobody can sign in. Add one with: "
            + "java -jar mcpauth-agent.jar user add --users-file {} --username NAME", as.usersFile()));
      }
      if (!as.tls() && !as.bindAddress().isLoopbackAddress()) {
        log.execute(() -> AgentLog.warn("authorization server: serving PLAIN HTTP on non-loopback {} because "
            + "mcpauth.as.insecure-http=true; it must sit behind a TLS-terminating proxy", as.bindAddress().getHostAddress()));
      }
      log.execute(() -> AgentLog.info("authorization server {} listening on {}:{}, data in {}", issuer,
          as.bindAddress().getHostAddress(), server.getAddress().getPort(), as.dataDirectory()));
      return authServer;
    } catch (StartException | RuntimeException e) {
      server.stop(0);
      throw e;
    }
  }

  public URI issuer() {
    return issuer;
  }

  /** The agent's configuration with this server as its issuer. */
  public AgentConfig agentConfig() {
    return agentConfig;
  }

  public KeySource keySource() {
    return keySource;
  }

  /** Revocation as the resource server's cache sees it: by token id and by grant. */
  public VerifiedTokenCache.Revocations revocations() {
    return token -> grants.isRevoked(token.jti(), grantId(token));
  }

  public void stop() {
    server.stop(0);
  }

  private static String grantId(VerifiedToken token) {
    return token.claims().get("grant_id") instanceof String id ? id : null;
  }

  private static Routes routes(AgentConfig bound, AuthServerConfig as, String issuer, SigningKeys keys,
      ClientStore clientStore, GrantStore grants, UserStore users, KeySource keySource, Clock clock) {
    ClientMetadataDocuments documents = as.metadataDocuments()
        ? new ClientMetadataDocuments(as.metadataDocumentTimeout(), as.metadataDocumentMaxBytes(),
            as.metadataDocumentPrivateAddresses(), TrustedHosts.parse(String.join(",", as.metadataDocumentHosts())),
            as.metadataDocumentCacheMin(),
            as.metadataDocumentCacheMax())
        : null;
    Clients clients = new Clients(clientStore, documents);
    ClientAuthentication authentication = new ClientAuthentication(clients);
    ResourcePolicy resources = new ResourcePolicy(bound.resource());
    AuthorizationCodes codes = new AuthorizationCodes();
    // The browser sees the issuer's scheme, also behind a TLS-terminating proxy (AS-SEC-18).
    AuthorizationEndpoint authorization = new AuthorizationEndpoint(issuer, issuer.startsWith("https://"), clients, users, resources,
        as.scopes(), codes, new LoginThrottle(as.loginFailuresPerAccount(), as.loginFailuresPerAddress(), System::nanoTime),
        clock);
    AccessTokens tokens = new AccessTokens(issuer, keys, as.accessTokenLifetime().toSeconds(), as.signingKeyMaxAge());
    long idle = as.refreshTokenIdle().toSeconds();
    long lifetime = as.refreshTokenLifetime().toSeconds();
    TokenEndpoint token = new TokenEndpoint(authentication, codes, grants, tokens, resources, as.scopes(), idle, lifetime,
        new RateLimiter(as.tokenFailuresPerAddress(), Duration.ofMinutes(1), System::nanoTime), clock);
    TokenLookup lookup = new TokenLookup(grants, new TokenVerifier(bound, Set.of(), keySource, clock), idle, lifetime,
        clock);
    RegistrationEndpoint registration = as.dynamicRegistration()
        ? new RegistrationEndpoint(clientStore, as.scopes(),
            new RateLimiter(as.registrationsPerMinute(), Duration.ofMinutes(1), System::nanoTime), as.maxClients(), clock)
        : null;
    return new Routes(issuer, new AuthServerMetadata(issuer, as.scopes(), registration != null, documents != null),
        keys, authorization, token, registration,
        new RevocationEndpoint(authentication, lookup, grants),
        new IntrospectionEndpoint(authentication, lookup, issuer), clock);
  }

  private static HttpServer bind(AuthServerConfig as) throws StartException {
    InetSocketAddress address = new InetSocketAddress(as.bindAddress(), as.port());
    try {
      if (!as.tls()) {
        return HttpServer.create(address, 64);
      }
      HttpsServer server = HttpsServer.create(address, 64);
      server.setHttpsConfigurator(new HttpsConfigurator(sslContext(as)));
      return server;
    } catch (BindException e) {
      throw new StartException("the authorization server cannot listen on " + as.bindAddress().getHostAddress() + ":"
          + as.port() + " (" + e.getMessage() + "); set mcpauth.as.port to a free port", e);
    } catch (IOException | GeneralSecurityException e) {
      throw new StartException("the authorization server cannot start: " + e.getMessage(), e);
    }
  }

  private static SSLContext sslContext(AuthServerConfig as) throws IOException, GeneralSecurityException {
    KeyStore keyStore = KeyStore.getInstance("PKCS12");
    char[] password = as.tlsKeystorePassword().toCharArray();
    try (InputStream in = Files.newInputStream(as.tlsKeystore())) {
      keyStore.load(in, password);
    } catch (IOException e) {
      throw new IOException("mcpauth.as.tls.keystore " + as.tlsKeystore() + " cannot be read (" + e.getMessage() + ")", e);
    }
    KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keyManagers.init(keyStore, password);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(keyManagers.getKeyManagers(), null, null);
    return context;
  }

  private static DataDirectory open(AuthServerConfig as) throws StartException {
    try {
      return DataDirectory.open(as.dataDirectory());
    } catch (IOException e) {
      throw new StartException("mcpauth.as.data: " + e.getMessage(), e);
    }
  }

  private interface StoreStep<T> {
    T open() throws IOException;
  }

  private static <T> T storeStep(String what, StoreStep<T> step) throws StartException {
    try {
      return step.open();
    } catch (IOException e) {
      throw new StartException("the authorization server cannot load its " + what + ": " + e.getMessage(), e);
    }
  }

  /** Request threads are daemons: the server must never keep the host JVM alive. */
  private static ThreadPoolExecutor executor() {
    AtomicInteger count = new AtomicInteger();
    ThreadPoolExecutor executor = new ThreadPoolExecutor(8, 8, 60, TimeUnit.SECONDS, new ArrayBlockingQueue<>(256),
        runnable -> {
          Thread thread = new Thread(runnable, "mcpauth-as-" + count.incrementAndGet());
          thread.setDaemon(true);
          return thread;
        });
    executor.allowCoreThreadTimeOut(true);
    return executor;
  }

  /** The dispatcher thread inherits its daemon status from the thread that calls start(). */
  private static void startDaemon(HttpServer server) throws StartException {
    Thread starter = new Thread(server::start, "mcpauth-as-start");
    starter.setDaemon(true);
    starter.start();
    try {
      starter.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StartException("interrupted while starting the authorization server", e);
    }
  }

  /** Every ten minutes: expire unused clients, forget expired grants and revocations. */
  private void maintain(SigningKeys keys, ClientStore clients, AuthServerConfig as, Clock clock) {
    Thread thread = new Thread(() -> {
      while (true) {
        try {
          long now = clock.instant().getEpochSecond();
          int expired = clients.expireUnused(now, as.unusedClientExpiry().toSeconds());
          if (expired > 0) {
            AgentLog.info("authorization server: deleted {} registered clients that were never used", expired);
          }
          grants.prune(now);
          keys.rotateIfOlderThan(as.signingKeyMaxAge(), now);
          Thread.sleep(Duration.ofMinutes(10).toMillis());
        } catch (InterruptedException e) {
          return;
        } catch (IOException | RuntimeException e) {
          AgentLog.error("authorization server: maintenance failed", e);
          try {
            Thread.sleep(Duration.ofMinutes(1).toMillis());
          } catch (InterruptedException interrupted) {
            return;
          }
        }
      }
    }, "mcpauth-as-maintenance");
    thread.setDaemon(true);
    thread.start();
  }
}
