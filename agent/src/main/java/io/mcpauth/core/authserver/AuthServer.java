package io.mcpauth.core.authserver;

import io.mcpauth.core.audit.AuditEvents;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.mcpauth.core.authserver.clients.ClientMetadataDocuments;
import io.mcpauth.core.authserver.clients.TrustedHosts;
import io.mcpauth.core.authserver.enterprise.AssertionReplay;
import io.mcpauth.core.authserver.enterprise.IdJagVerifier;
import io.mcpauth.core.authserver.enterprise.UpstreamProvider;
import io.mcpauth.core.authserver.serviceclients.ServiceClients;
import io.mcpauth.core.authserver.store.ClientStore;
import io.mcpauth.core.authserver.store.DataDirectory;
import io.mcpauth.core.authserver.store.GrantStore;
import io.mcpauth.core.authserver.store.SealingKey;
import io.mcpauth.core.authserver.store.SigningKeys;
import io.mcpauth.core.authserver.store.StoreWriteException;
import io.mcpauth.core.authserver.users.UserStore;
import io.mcpauth.core.config.AgentConfig;
import io.mcpauth.core.config.AuthServerConfig;
import io.mcpauth.core.keys.HttpFetcher;
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
import java.util.List;
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

  /** Unexpired identity assertions remembered for single use; beyond, new ones are refused until some expire. */
  private static final int MAX_LIVE_ASSERTIONS = 100_000;

  private final URI issuer;
  private final AgentConfig agentConfig;
  private final GrantStore grants;
  private final ServiceClients serviceClients;
  private final KeySource keySource;
  private final HttpServer server;
  private final UserRevocations userRevocations;
  private final Set<String> assertionIssuers;

  private AuthServer(URI issuer, AgentConfig agentConfig, GrantStore grants, ServiceClients serviceClients,
      KeySource keySource, HttpServer server, UserRevocations userRevocations) {
    this.issuer = issuer;
    this.agentConfig = agentConfig;
    this.grants = grants;
    this.serviceClients = serviceClients;
    this.keySource = keySource;
    this.server = server;
    this.userRevocations = userRevocations;
    Set<String> issuers = new java.util.HashSet<>();
    agentConfig.authServer().idJagIssuers().forEach(idp -> issuers.add(idp.toString()));
    this.assertionIssuers = Set.copyOf(issuers);
  }

  /** @param log where start-up notes are logged from: initialising logging must stay off the start-up path */
  public static AuthServer start(AgentConfig config, Clock clock, Executor log) throws StartException {
    return start(config, clock, log, AuditEvents.NONE);
  }

  /** @param audit where registrations, sign-ins, consents and token requests are published */
  public static AuthServer start(AgentConfig config, Clock clock, Executor log, AuditEvents audit) throws StartException {
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
      SealingKey sealingKey = as.upstream() == null ? null : storeStep("sealing key", () -> SealingKey.open(data));
      ServiceClients serviceClients = storeStep("service clients", () -> ServiceClients.open(as.serviceClientsFile()));
      // Users removed, or given a new password, while the server was down lose their grants before it serves.
      UserRevocations userRevocations = new UserRevocations(users, grants);
      List<UserRevocations.Revoked> revokedAtStart = storeStep("grants", userRevocations::revokeNow);
      KeySource keySource = new EmbeddedKeySource(keys, clock);
      AuthServer authServer = new AuthServer(issuer, bound, grants, serviceClients, keySource, server, userRevocations);
      Routes routes = routes(bound, as, issuer.toString(), keys, clientStore, serviceClients, grants, users, keySource,
          authServer.revocations(), sealingKey, clock, log, audit);
      server.createContext("/", routes::dispatch);
      server.setExecutor(executor());
      startDaemon(server);
      authServer.maintain(keys, clientStore, as, clock);
      authServer.watch(serviceClients);
      userRevocations.start();
      log.execute(() -> UserRevocations.log(revokedAtStart));
      if (as.upstream() != null) {
        log.execute(() -> AgentLog.info("authorization server: users sign in at {}; the users file is not used for sign-in",
            as.upstream().issuer()));
      } else if (storeStep("users", users::isEmpty)) {
        log.execute(() -> AgentLog.warn("authorization server: no users yet, so nobody can sign in. Add one with: "
            + "java -jar mcpauth-agent.jar user add --users-file {} --username NAME", as.usersFile()));
      }
      int selfRegisteredMachines = clientStore.countRegisteredFor("client_credentials");
      if (selfRegisteredMachines > 0) {
        log.execute(() -> AgentLog.warn("authorization server: {} stored client(s) registered themselves for client_credentials "
            + "before that grant was closed to open registration; they get no such token any more. Create the ones you "
            + "trust with: java -jar mcpauth-agent.jar client add --client-id NAME --scope SCOPES", selfRegisteredMachines));
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

  /**
   * Revocation as the resource server's cache sees it: by token id and by grant, and for a token of
   * a service client, by its credential (the client removed, or its secret rotated).
   */
  public VerifiedTokenCache.Revocations revocations() {
    return token -> grants.isRevoked(token.jti(), grantId(token)) || serviceCredentialRevoked(token);
  }

  public void stop() {
    userRevocations.stop();
    server.stop(0);
  }

  private static String grantId(VerifiedToken token) {
    return token.claims().get("grant_id") instanceof String id ? id : null;
  }

  /**
   * A token without a grant came from the client-credentials grant, or from an identity assertion.
   * The first passes only while it carries the current credential of a service client (one issued
   * to a self-registered client, before that grant was closed to them, carries none and is
   * refused); the second only while its IdP is still trusted.
   */
  private boolean serviceCredentialRevoked(VerifiedToken token) {
    if (token.claims().get("grant_id") != null) {
      return false;
    }
    if (token.claims().get(AccessTokens.ASSERTION_ISSUER_CLAIM) instanceof String idp) {
      return !assertionIssuers.contains(idp);
    }
    return !(token.claims().get(AccessTokens.SERVICE_CREDENTIAL_CLAIM) instanceof String credential
        && serviceClients.admits(credential, token.clientId()));
  }

  private static Routes routes(AgentConfig bound, AuthServerConfig as, String issuer, SigningKeys keys,
      ClientStore clientStore, ServiceClients serviceClients, GrantStore grants, UserStore users, KeySource keySource,
      VerifiedTokenCache.Revocations revocations, SealingKey sealingKey, Clock clock, Executor background,
      AuditEvents audit) {
    ClientMetadataDocuments documents = as.metadataDocuments()
        ? new ClientMetadataDocuments(as.metadataDocumentTimeout(), as.metadataDocumentMaxBytes(),
            as.metadataDocumentPrivateAddresses(), TrustedHosts.parse(String.join(",", as.metadataDocumentHosts())),
            as.metadataDocumentCacheMin(),
            as.metadataDocumentCacheMax())
        : null;
    Clients clients = new Clients(clientStore, documents, serviceClients);
    ClientAuthentication authentication = new ClientAuthentication(clients);
    ResourcePolicy resources = new ResourcePolicy(bound.resource());
    AuthorizationCodes codes = new AuthorizationCodes();
    // The browser sees the issuer's scheme, also behind a TLS-terminating proxy (AS-SEC-18).
    UpstreamProvider upstream = as.upstream() == null ? null : new UpstreamProvider(as.upstream(),
        issuer + UpstreamSignIn.CALLBACK, bound.algorithms(), bound.clockSkew(), bound.tokenMaxLength(),
        new HttpFetcher(bound.httpTimeout(), bound.maxDocumentBytes()), background, bound.jwksRefreshInterval(),
        bound.jwksMinRefetchInterval(), bound.httpTimeout(), clock);
    AuthorizationEndpoint authorization = new AuthorizationEndpoint(issuer, issuer.startsWith("https://"), clients, users, resources,
        as.scopes(), codes, new LoginThrottle(as.loginFailuresPerAccount(), as.loginFailuresPerAddress(), System::nanoTime),
        upstream, clock);
    AccessTokens tokens = new AccessTokens(issuer, keys, as.accessTokenLifetime().toSeconds(), as.signingKeyMaxAge());
    long idle = as.refreshTokenIdle().toSeconds();
    long lifetime = as.refreshTokenLifetime().toSeconds();
    JwtBearerGrant jwtBearer = jwtBearer(bound, as, issuer, resources, background, clock);
    TokenEndpoint token = new TokenEndpoint(authentication, codes, grants, users, tokens, resources, as.scopes(), idle,
        lifetime, new RateLimiter(as.tokenFailuresPerAddress(), Duration.ofMinutes(1), System::nanoTime), jwtBearer,
        upstream == null ? null : new UpstreamRecheck(upstream, sealingKey, grants), clock);
    TokenLookup lookup = new TokenLookup(grants, revocations, users, new TokenVerifier(bound, Set.of(), keySource, clock), idle,
        lifetime, clock);
    RegistrationEndpoint registration = as.dynamicRegistration()
        ? new RegistrationEndpoint(clientStore, as.scopes(),
            new RateLimiter(as.registrationsPerMinute(), Duration.ofMinutes(1), System::nanoTime), as.maxClients(), clock)
        : null;
    return new Routes(issuer,
        new AuthServerMetadata(issuer, as.scopes(), registration != null, documents != null, jwtBearer != null),
        keys, authorization, token, registration,
        new RevocationEndpoint(authentication, lookup, grants),
        new IntrospectionEndpoint(authentication, lookup, issuer), clock, audit);
  }

  /** The jwt-bearer grant for identity assertions of {@code mcpauth.as.id-jag.issuers}, or null when none are trusted. */
  private static JwtBearerGrant jwtBearer(AgentConfig bound, AuthServerConfig as, String issuer, ResourcePolicy resources,
      Executor background, Clock clock) {
    if (as.idJagIssuers().isEmpty()) {
      return null;
    }
    IdJagVerifier verifier = IdJagVerifier.discovering(as.idJagIssuers(), issuer, bound.algorithms(), bound.clockSkew(),
        as.idJagMaxLifetime(), bound.tokenMaxLength(), new HttpFetcher(bound.httpTimeout(), bound.maxDocumentBytes()),
        background, bound.jwksRefreshInterval(), bound.jwksMinRefetchInterval(), bound.httpTimeout(), clock);
    verifier.prefetch();
    return new JwtBearerGrant(verifier, new AssertionReplay(MAX_LIVE_ASSERTIONS, bound.clockSkew().toSeconds()), resources,
        as.scopes());
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

  /**
   * Every second: re-reads the service-clients file when the {@code client} command changed it, so
   * that the resource server refuses the tokens of a removed client, or of a rotated secret, within
   * a second (the check itself then reads memory only). A file that cannot be read refuses every
   * service-client token until it reads well; that is logged once per failure, not every second.
   */
  private void watch(ServiceClients clients) {
    Thread thread = new Thread(() -> {
      String lastFailure = null;
      while (true) {
        try {
          clients.refresh();
          if (lastFailure != null) {
            AgentLog.info("authorization server: the service-clients file {} reads well again", clients.path());
            lastFailure = null;
          }
        } catch (IOException e) {
          if (!e.getMessage().equals(lastFailure)) {
            AgentLog.error("authorization server: {}; no service client gets or keeps a token until it is fixed",
                e.getMessage());
            lastFailure = e.getMessage();
          }
        }
        try {
          Thread.sleep(1000);
        } catch (InterruptedException e) {
          return;
        }
      }
    }, "mcpauth-as-service-clients");
    thread.setDaemon(true);
    thread.start();
  }

  /**
   * Every ten minutes: expire unused clients, forget expired grants and revocations, replace an old
   * signing key. Every ten seconds in between: store a revocation that a failed write (a full disk)
   * left in memory only, so that it outlives a restart soon after the disk can be written again.
   */
  private void maintain(SigningKeys keys, ClientStore clients, AuthServerConfig as, Clock clock) {
    Thread thread = new Thread(() -> {
      long nextPass = System.nanoTime();
      while (true) {
        try {
          if (System.nanoTime() - nextPass >= 0) {
            nextPass = System.nanoTime() + Duration.ofMinutes(1).toNanos();
            long now = clock.instant().getEpochSecond();
            int expired = clients.expireUnused(now, as.unusedClientExpiry().toSeconds());
            if (expired > 0) {
              AgentLog.info("authorization server: deleted {} registered clients that were never used", expired);
            }
            grants.prune(now);
            keys.rotateIfOlderThan(as.signingKeyMaxAge(), now);
            nextPass = System.nanoTime() + Duration.ofMinutes(10).toNanos();
          } else {
            grants.flush();
          }
        } catch (StoreWriteException e) {
          // Logged once for the whole outage (the data directory's WriteOutage); retried.
        } catch (IOException | RuntimeException e) {
          AgentLog.error("authorization server: maintenance failed", e);
        }
        try {
          Thread.sleep(Duration.ofSeconds(10).toMillis());
        } catch (InterruptedException e) {
          return;
        }
      }
    }, "mcpauth-as-maintenance");
    thread.setDaemon(true);
    thread.start();
  }
}
