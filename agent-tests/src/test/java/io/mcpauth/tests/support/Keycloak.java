package io.mcpauth.tests.support;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.jose4j.json.JsonUtil;
import org.jose4j.lang.JoseException;

/**
 * A real Keycloak (org.keycloak:keycloak-quarkus-dist, unpacked into target/keycloak by the build)
 * in dev mode on 127.0.0.1, with its in-memory database and the realm of
 * {@code src/test/resources/keycloak/realm-mcp.json} imported at start. Started once per test JVM
 * and shared by the test classes ({@link #shared()}): its start-up is what costs. A test that stops
 * it ({@link #stop()}) leaves the next {@link #shared()} to start a new one.
 *
 * <p>Keycloak needs a JDK 21 or newer: {@code $MCPAUTH_KEYCLOAK_JAVA_HOME}, else the newest such JDK
 * under /usr/lib/jvm, else the one running the tests. It runs under a watchdog that stops it when
 * the test JVM is gone, so that an aborted run (even a killed one) leaves no Keycloak behind.
 */
public final class Keycloak implements AutoCloseable {

  /** The realm imported at start. */
  public static final String REALM = "mcp";
  public static final String ALICE = "alice";
  public static final String BOB = "bob";
  /** The confidential client that gets access tokens (password grant), {@code typ: JWT}, Keycloak's default. */
  public static final String CLIENT = "mcp-cli";
  /** The same with Keycloak's "Use at+jwt as access token header type" option. */
  public static final String CLIENT_RFC9068 = "mcp-cli-rfc9068";
  /** The MCP server's own client, for introspection. */
  public static final String SERVER_CLIENT = "mcp-server";
  /** The embedded authorization server's client when Keycloak is its upstream. */
  public static final String UPSTREAM_CLIENT = "mcpauth";

  private static final Duration START_TIMEOUT = Duration.ofMinutes(5);
  /** Stops Keycloak's process group when the watched JVM (the tests') is gone or when told to stop. */
  private static final String WATCHDOG = String.join("\n",
      "watched=$1; shift",
      "setsid \"$@\" &",
      "kc=$!",
      // (dash's kill takes a process group as -PGID, but not after "--")
      "trap 'kill -KILL -$kc 2>/dev/null; exit 0' TERM",
      "while kill -0 \"$watched\" 2>/dev/null && kill -0 \"$kc\" 2>/dev/null; do sleep 1; done",
      "kill -TERM -\"$kc\" 2>/dev/null",
      "sleep 15",
      "kill -KILL -\"$kc\" 2>/dev/null");

  private static Keycloak shared;

  private final Process process;
  private final int port;
  private final String version;
  private final Path log;
  private final Map<String, String> secrets;
  private final Duration startup;
  private String adminToken;
  private long adminTokenUntil;

  private Keycloak(Process process, int port, String version, Path log, Map<String, String> secrets, Duration startup) {
    this.process = process;
    this.port = port;
    this.version = version;
    this.log = log;
    this.secrets = secrets;
    this.startup = startup;
  }

  /** The Keycloak of this test JVM, started at the first call (or again after {@link #stop()}). */
  public static synchronized Keycloak shared() {
    if (shared == null || !shared.process.isAlive()) {
      shared = start();
      Keycloak started = shared;
      Runtime.getRuntime().addShutdownHook(new Thread(started::close, "keycloak-stop"));
    }
    return shared;
  }

  /** Where the unpacked distribution is; fails with what to do when it is missing. */
  public static Path home() {
    Path home = Path.of(System.getProperty("mcpauth.keycloak.home", "target/keycloak/missing")).toAbsolutePath();
    if (!Files.isRegularFile(home.resolve("bin/kc.sh"))) {
      fail("no Keycloak at " + home + ": build agent-tests with Maven (`mvn -B verify`, or .ci/setup), which resolves "
          + "org.keycloak:keycloak-quarkus-dist and unpacks it there");
    }
    return home;
  }

  /** The JDK that runs Keycloak (21 or newer). */
  public static Path javaHome() {
    String configured = System.getenv("MCPAUTH_KEYCLOAK_JAVA_HOME");
    if (configured != null && !configured.isBlank()) {
      return Path.of(configured);
    }
    List<Path> candidates = new ArrayList<>();
    try (Stream<Path> jvms = Files.list(Path.of("/usr/lib/jvm"))) {
      jvms.forEach(candidates::add);
    } catch (IOException e) {
      // no /usr/lib/jvm: only the running JDK is a candidate
    }
    candidates.add(Path.of(System.getProperty("java.home")));
    return candidates.stream().filter(home -> Files.isExecutable(home.resolve("bin/java")) && major(home) >= 21)
        .max(Comparator.comparingInt(Keycloak::major))
        .orElseGet(() -> fail("Keycloak needs a JDK 21 or newer: none under /usr/lib/jvm, and the tests run on "
            + System.getProperty("java.version") + ". Install one, or point $MCPAUTH_KEYCLOAK_JAVA_HOME at it"));
  }

  private static int major(Path javaHome) {
    try {
      for (String line : Files.readAllLines(javaHome.resolve("release"))) {
        if (line.startsWith("JAVA_VERSION=")) {
          String[] parts = line.substring("JAVA_VERSION=".length()).replace("\"", "").split("[.+-]");
          int first = Integer.parseInt(parts[0]);
          return first == 1 ? Integer.parseInt(parts[1]) : first;
        }
      }
    } catch (IOException | RuntimeException e) {
      // not a JDK we can read
    }
    return 0;
  }

  private static Keycloak start() {
    Path home = home();
    Path javaHome = javaHome();
    int port = Fixture.freePort();
    int managementPort = Fixture.freePort();
    Map<String, String> secrets = new LinkedHashMap<>();
    for (String name : List.of("ALICE_PASSWORD", "BOB_PASSWORD", "CLIENT_SECRET", "SERVER_SECRET", "UPSTREAM_SECRET",
        "ADMIN_PASSWORD")) {
      secrets.put(name, random());
    }
    try {
      String version = Files.readString(home.resolve("version.txt")).trim().replaceFirst("^Keycloak - Version ", "");
      Path imports = home.resolve("data/import");
      Files.createDirectories(imports);
      try (Stream<Path> old = Files.list(imports)) {
        for (Path file : old.toList()) {
          Files.delete(file);
        }
      }
      Files.writeString(Files.createFile(imports.resolve("realm-mcp.json"),
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))), realmJson(secrets));
      Path logs = Files.createDirectories(home.getParent().resolve("logs"));
      Path log = logs.resolve("keycloak-" + port + ".log");
      List<String> command = new ArrayList<>(List.of("/bin/sh", "-c", WATCHDOG, "keycloak-watchdog",
          String.valueOf(ProcessHandle.current().pid()), home.resolve("bin/kc.sh").toString(), "start-dev",
          "--http-host=127.0.0.1", "--http-port=" + port, "--hostname=http://127.0.0.1:" + port,
          "--http-management-port=" + managementPort, "--db=dev-mem", "--cache=local", "--import-realm",
          // Keycloak's ID-JAG issuer (experimental); 26.7 has only the receiving side behind it (KeycloakIdJagTest)
          "--features=identity-assertion-jwt"));
      ProcessBuilder builder = new ProcessBuilder(command).directory(home.toFile())
          .redirectErrorStream(true).redirectOutput(log.toFile());
      Map<String, String> env = builder.environment();
      env.keySet().removeIf(name -> name.startsWith("KC_") || name.startsWith("MCPAUTH_") || name.startsWith("JAVA_OPTS")
          || name.startsWith("QUARKUS_"));
      env.put("JAVA_HOME", javaHome.toString());
      env.put("KC_BOOTSTRAP_ADMIN_USERNAME", "admin");
      env.put("KC_BOOTSTRAP_ADMIN_PASSWORD", secrets.get("ADMIN_PASSWORD"));
      long started = System.nanoTime();
      Process process = builder.start();
      process.getOutputStream().close();
      Keycloak keycloak = new Keycloak(process, port, version, log, secrets, Duration.ZERO);
      keycloak.awaitRealm(REALM, started);
      Duration startup = Duration.ofNanos(System.nanoTime() - started);
      System.out.printf("Keycloak %s on Java %d ready at %s in %d ms (log %s)%n", version, major(javaHome),
          keycloak.url(), startup.toMillis(), log);
      return new Keycloak(process, port, version, log, secrets, startup);
    } catch (IOException e) {
      throw new IllegalStateException("cannot start Keycloak from " + home + ": " + e, e);
    }
  }

  private void awaitRealm(String realm, long started) {
    long deadline = started + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        fail("Keycloak exited (" + process.exitValue() + ") before it served realm " + realm + ":\n" + logTail());
      }
      try {
        if (Http.get(issuer(realm) + "/.well-known/openid-configuration").statusCode() == 200) {
          return;
        }
      } catch (IllegalStateException notYet) {
        // not listening yet
      }
      sleep(500);
    }
    close();
    fail("Keycloak did not serve realm " + realm + " within " + START_TIMEOUT + ":\n" + logTail());
  }

  private static String realmJson(Map<String, String> secrets) throws IOException {
    try (InputStream in = Keycloak.class.getResourceAsStream("/keycloak/realm-mcp.json")) {
      if (in == null) {
        throw new IOException("no /keycloak/realm-mcp.json on the test class path");
      }
      String json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      for (Map.Entry<String, String> secret : secrets.entrySet()) {
        json = json.replace("@" + secret.getKey() + "@", secret.getValue());
      }
      return json;
    }
  }

  private static String random() {
    byte[] bytes = new byte[18];
    new SecureRandom().nextBytes(bytes);
    return "kc-" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  public String url() {
    return "http://127.0.0.1:" + port;
  }

  public String issuer(String realm) {
    return url() + "/realms/" + realm;
  }

  public String version() {
    return version;
  }

  public Duration startup() {
    return startup;
  }

  public boolean running() {
    return process.isAlive();
  }

  public String password(String user) {
    return secrets.get(user.toUpperCase() + "_PASSWORD");
  }

  /** The secret of {@link #CLIENT} and {@link #CLIENT_RFC9068}. */
  public String clientSecret() {
    return secrets.get("CLIENT_SECRET");
  }

  public String serverSecret() {
    return secrets.get("SERVER_SECRET");
  }

  public String upstreamSecret() {
    return secrets.get("UPSTREAM_SECRET");
  }

  /** Every password and client secret of this Keycloak, for the log-hygiene checks. */
  public List<String> secrets() {
    return List.copyOf(secrets.values());
  }

  /** The last lines of Keycloak's log, for a failure message. */
  public String logTail() {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
    } catch (IOException e) {
      return "(no log at " + log + ")";
    }
  }

  // ---- tokens, as a client gets them

  /** A password-grant token response of {@code clientId} for {@code user} in {@code realm}. */
  public Map<String, Object> tokenResponse(String realm, String clientId, String user) {
    HttpResponse<String> response = form(issuer(realm) + "/protocol/openid-connect/token", "grant_type", "password",
        "client_id", clientId, "client_secret", clientSecret(), "username", user, "password", password(user),
        "scope", "openid");
    if (response.statusCode() != 200) {
      throw new AssertionError("token request of " + clientId + " for " + user + " in realm " + realm + ": "
          + response.statusCode() + " " + response.body());
    }
    return json(response.body());
  }

  public String accessToken(String realm, String clientId, String user) {
    return (String) tokenResponse(realm, clientId, user).get("access_token");
  }

  /**
   * An OpenID Connect dynamic client registration with an initial access token (as an MCP client
   * registers itself): a confidential client for the client-credentials grant. Returns the
   * registration answer ({@code client_id}, {@code client_secret}, ...).
   */
  public Map<String, Object> registerClient(String realm, String name) {
    String initialAccessToken = (String) json(admin("POST", "/" + realm + "/clients-initial-access",
        "{\"count\":1,\"expiration\":300}").body()).get("token");
    HttpResponse<String> registered = Http.send("POST", issuer(realm) + "/clients-registrations/openid-connect",
        "{\"client_name\":\"" + name + "\",\"grant_types\":[\"client_credentials\"],"
            + "\"token_endpoint_auth_method\":\"client_secret_basic\"}",
        "Authorization", "Bearer " + initialAccessToken, "Content-Type", "application/json");
    if (registered.statusCode() != 201) {
      throw new AssertionError("dynamic client registration: " + registered.statusCode() + " " + registered.body());
    }
    return json(registered.body());
  }

  /** A client-credentials access token of a client, authenticated with HTTP Basic as it registered. */
  public String clientCredentialsToken(String realm, String clientId, String secret) {
    String basic = Base64.getEncoder().encodeToString((URLEncoder.encode(clientId, StandardCharsets.UTF_8) + ":"
        + URLEncoder.encode(secret, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8));
    HttpResponse<String> response = Http.send("POST", issuer(realm) + "/protocol/openid-connect/token",
        "grant_type=client_credentials", "Content-Type", "application/x-www-form-urlencoded", "Authorization", "Basic " + basic);
    if (response.statusCode() != 200) {
      throw new AssertionError("client credentials of " + clientId + ": " + response.statusCode() + " " + response.body());
    }
    return (String) json(response.body()).get("access_token");
  }

  /** RFC 7009 revocation of an access token by the client it was issued to. */
  public void revoke(String realm, String clientId, String accessToken) {
    HttpResponse<String> response = form(issuer(realm) + "/protocol/openid-connect/revoke", "token", accessToken,
        "token_type_hint", "access_token", "client_id", clientId, "client_secret", clientSecret());
    if (response.statusCode() != 200) {
      throw new AssertionError("revocation: " + response.statusCode() + " " + response.body());
    }
  }

  // ---- the admin REST API, as an administrator uses it

  /** A new realm like the imported one, under another name, for a test that changes its keys or scopes. */
  public void createRealm(String realm) {
    try {
      Map<String, Object> representation = json(realmJson(secrets));
      representation.put("realm", realm);
      admin("POST", "", JsonUtil.toJson(representation));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Steps 1 and 2 of the Keycloak recipe in docs/identity-providers.md: a client scope {@code name}
   * with an Audience mapper for {@code resource} (access token and introspection, not the ID token),
   * made a realm default client scope (so clients created afterwards get it) and added by hand as a
   * default scope to the realm's own clients, which exist already. Returns the scope's id.
   */
  public String addAudienceScope(String realm, String name, String resource) {
    Map<String, Object> mapper = new LinkedHashMap<>();
    mapper.put("name", name + " audience");
    mapper.put("protocol", "openid-connect");
    mapper.put("protocolMapper", "oidc-audience-mapper");
    mapper.put("config", Map.of("included.custom.audience", resource, "access.token.claim", "true",
        "id.token.claim", "false", "introspection.token.claim", "true"));
    Map<String, Object> scope = new LinkedHashMap<>();
    scope.put("name", name);
    scope.put("protocol", "openid-connect");
    scope.put("attributes", Map.of("include.in.token.scope", "false", "display.on.consent.screen", "false"));
    scope.put("protocolMappers", List.of(mapper));
    String scopeId = createdId(admin("POST", "/" + realm + "/client-scopes", JsonUtil.toJson(scope)));
    admin("PUT", "/" + realm + "/default-default-client-scopes/" + scopeId, null);
    for (String clientId : List.of(CLIENT, CLIENT_RFC9068, SERVER_CLIENT)) {
      admin("PUT", "/" + realm + "/clients/" + client(realm, clientId).get("id") + "/default-client-scopes/" + scopeId, null);
    }
    return scopeId;
  }

  /**
   * For introspection: a second Audience mapper on the scope, naming the client the resource server
   * introspects as ({@code included.client.audience}). Keycloak answers {@code active: false} to a
   * client that is not in the token's {@code aud}.
   */
  public void addClientAudience(String realm, String scopeId, String clientId) {
    Map<String, Object> mapper = new LinkedHashMap<>();
    mapper.put("name", "client " + clientId + " in aud");
    mapper.put("protocol", "openid-connect");
    mapper.put("protocolMapper", "oidc-audience-mapper");
    mapper.put("config", Map.of("included.client.audience", clientId, "access.token.claim", "true",
        "id.token.claim", "false", "introspection.token.claim", "true"));
    admin("POST", "/" + realm + "/client-scopes/" + scopeId + "/protocol-mappers/models", JsonUtil.toJson(mapper));
  }

  /** The client's representation (its internal {@code id} among the rest). */
  public Map<String, Object> client(String realm, String clientId) {
    List<Map<String, Object>> found = list(admin("GET", "/" + realm + "/clients?clientId="
        + URLEncoder.encode(clientId, StandardCharsets.UTF_8), null).body());
    if (found.size() != 1) {
      throw new AssertionError("no client " + clientId + " in realm " + realm);
    }
    return found.get(0);
  }

  /** Replaces the client's valid redirect URIs. */
  public void setRedirectUris(String realm, String clientId, List<String> redirectUris) {
    Map<String, Object> client = client(realm, clientId);
    client.put("redirectUris", redirectUris);
    admin("PUT", "/" + realm + "/clients/" + client.get("id"), JsonUtil.toJson(client));
  }

  /** Sets client attributes (the client's "advanced" settings), keeping the others. */
  @SuppressWarnings("unchecked")
  public void setClientAttributes(String realm, String clientId, Map<String, String> attributes) {
    Map<String, Object> client = client(realm, clientId);
    Map<String, Object> merged = new LinkedHashMap<>((Map<String, Object>) client.getOrDefault("attributes", Map.of()));
    merged.putAll(attributes);
    client.put("attributes", merged);
    admin("PUT", "/" + realm + "/clients/" + client.get("id"), JsonUtil.toJson(client));
  }

  public String userId(String realm, String username) {
    List<Map<String, Object>> found = list(admin("GET", "/" + realm + "/users?exact=true&username="
        + URLEncoder.encode(username, StandardCharsets.UTF_8), null).body());
    if (found.size() != 1) {
      throw new AssertionError("no user " + username + " in realm " + realm);
    }
    return (String) found.get(0).get("id");
  }

  /** Turns the user off, as an administrator does for someone who left. */
  public void disableUser(String realm, String username) {
    admin("PUT", "/" + realm + "/users/" + userId(realm, username), "{\"enabled\":false}");
  }

  /** The realm's key providers (components of type KeyProvider). */
  public List<Map<String, Object>> keyProviders(String realm) {
    return list(admin("GET", "/" + realm + "/components?type=org.keycloak.keys.KeyProvider", null).body());
  }

  /**
   * A key rotation as Keycloak's documentation describes it: a new generated RSA key with a higher
   * priority, which Keycloak signs with from now on, and the old RSA providers set passive (still
   * published, for the tokens they signed, but no longer signing). Returns the new provider's id.
   */
  public String rotateRsaKey(String realm) {
    List<Map<String, Object>> old = keyProviders(realm).stream().filter(c -> "rsa-generated".equals(c.get("providerId")))
        .toList();
    Map<String, Object> component = new LinkedHashMap<>();
    component.put("name", "rsa-rotated-" + System.nanoTime());
    component.put("providerId", "rsa-generated");
    component.put("providerType", "org.keycloak.keys.KeyProvider");
    component.put("parentId", json(admin("GET", "/" + realm, null).body()).get("id"));
    component.put("config", Map.of("priority", List.of("500"), "enabled", List.of("true"), "active", List.of("true"),
        "keySize", List.of("2048"), "algorithm", List.of("RS256")));
    String created = createdId(admin("POST", "/" + realm + "/components", JsonUtil.toJson(component)));
    for (Map<String, Object> provider : old) {
      setKeyProvider(realm, provider, "active", "false");
    }
    return created;
  }

  /** Sets one config entry of a key provider ({@code active} or {@code enabled}). */
  @SuppressWarnings("unchecked")
  public void setKeyProvider(String realm, Map<String, Object> provider, String key, String value) {
    Map<String, Object> config = new LinkedHashMap<>((Map<String, Object>) provider.get("config"));
    config.put(key, List.of(value));
    Map<String, Object> updated = new LinkedHashMap<>(provider);
    updated.put("config", config);
    admin("PUT", "/" + realm + "/components/" + provider.get("id"), JsonUtil.toJson(updated));
  }

  public void deleteComponent(String realm, String id) {
    admin("DELETE", "/" + realm + "/components/" + id, null);
  }

  /** The {@code kid}s the realm's JWKS publishes. */
  public List<String> publishedKids(String realm) {
    HttpResponse<String> jwks = Http.get(issuer(realm) + "/protocol/openid-connect/certs");
    List<String> kids = new ArrayList<>();
    for (Object key : (List<?>) json(jwks.body()).get("keys")) {
      kids.add((String) ((Map<?, ?>) key).get("kid"));
    }
    return kids;
  }

  /** An admin REST call ({@code /admin/realms} + path) as the bootstrap administrator; fails on a non-2xx answer. */
  public HttpResponse<String> admin(String method, String path, String json) {
    HttpResponse<String> response = Http.send(method, url() + "/admin/realms" + path, json, "Authorization",
        "Bearer " + adminToken(), "Content-Type", "application/json");
    if (response.statusCode() / 100 != 2) {
      throw new AssertionError("Keycloak admin " + method + " " + path + ": " + response.statusCode() + " " + response.body());
    }
    return response;
  }

  private synchronized String adminToken() {
    if (adminToken == null || System.nanoTime() > adminTokenUntil) {
      HttpResponse<String> response = form(url() + "/realms/master/protocol/openid-connect/token", "grant_type", "password",
          "client_id", "admin-cli", "username", "admin", "password", secrets.get("ADMIN_PASSWORD"));
      if (response.statusCode() != 200) {
        throw new AssertionError("Keycloak admin login: " + response.statusCode() + " " + response.body());
      }
      adminToken = (String) json(response.body()).get("access_token");
      adminTokenUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(30); // master's tokens live 60 s
    }
    return adminToken;
  }

  private static String createdId(HttpResponse<String> response) {
    String location = response.headers().firstValue("Location")
        .orElseThrow(() -> new AssertionError("no Location in the answer to a create: " + response.statusCode()));
    return location.substring(location.lastIndexOf('/') + 1);
  }

  /** A form POST (application/x-www-form-urlencoded) of name/value pairs. */
  public static HttpResponse<String> form(String url, String... pairs) {
    StringJoiner body = new StringJoiner("&");
    for (int i = 0; i + 1 < pairs.length; i += 2) {
      body.add(URLEncoder.encode(pairs[i], StandardCharsets.UTF_8) + "=" + URLEncoder.encode(pairs[i + 1], StandardCharsets.UTF_8));
    }
    return Http.send("POST", url, body.toString(), "Content-Type", "application/x-www-form-urlencoded");
  }

  /** A JSON object, as a map the caller may change (jose4j's own refuses to replace an entry). */
  public static Map<String, Object> json(String body) {
    try {
      return new LinkedHashMap<>(JsonUtil.parseJson(body));
    } catch (JoseException e) {
      throw new AssertionError("not a JSON object: " + body, e);
    }
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> list(String body) {
    List<Map<String, Object>> list = (List<Map<String, Object>>) json("{\"list\":" + body + "}").get("list");
    return list.stream().map(entry -> (Map<String, Object>) new LinkedHashMap<>(entry)).toList();
  }

  /** A JWT's header or claims (part 0 or 1), decoded. */
  public static Map<String, Object> jwtPart(String jwt, int part) {
    return json(new String(Base64.getUrlDecoder().decode(jwt.split("\\.")[part]), StandardCharsets.UTF_8));
  }

  /** Stops this Keycloak; the next {@link #shared()} starts another. */
  public void stop() {
    close();
  }

  @Override
  public void close() {
    if (!process.isAlive()) {
      return;
    }
    // Its data is in memory only, so nothing is lost by not waiting for a graceful shutdown, which
    // takes long on a loaded machine (and a JVM's shutdown hooks have little time).
    List<ProcessHandle> tree = process.descendants().toList();
    process.destroyForcibly(); // the watchdog first, or it would be waiting out its grace period
    tree.forEach(ProcessHandle::destroyForcibly);
    try {
      process.waitFor(10, TimeUnit.SECONDS);
      for (ProcessHandle handle : tree) {
        handle.onExit().get(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception stillThere) {
      System.out.println("a Keycloak process did not end within 10 s of SIGKILL: " + stillThere);
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
