package io.mcpauth.core.config;

import io.mcpauth.core.logging.LogText;
import io.mcpauth.core.text.Ascii;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The {@code mcpauth.as.*} part of {@link ConfigParser}: settings of the embedded authorization server. */
final class AuthServerSettings {

  private final ConfigParser parser;

  AuthServerSettings(ConfigParser parser) {
    this.parser = parser;
  }

  AuthServerConfig parse() {
    int port = parser.integer(ConfigKey.AS_PORT, 0, 65535);
    InetAddress bind = bindAddress();
    Path keystore = keystore();
    boolean insecureHttp = parser.bool(ConfigKey.AS_INSECURE_HTTP);
    if (bind != null && !bind.isLoopbackAddress() && keystore == null && !insecureHttp) {
      parser.errors.add(ConfigKey.AS_BIND_ADDRESS.key() + " is not a loopback address, so the authorization server needs TLS ("
          + ConfigKey.AS_TLS_KEYSTORE.key() + "), or " + ConfigKey.AS_INSECURE_HTTP.key()
          + "=true behind a TLS-terminating proxy");
    }
    URI issuer = issuer(keystore != null || insecureHttp);
    Path data = path(ConfigKey.AS_DATA);
    String usersValue = ConfigParser.blankToNull(parser.sources.get(ConfigKey.AS_USERS));
    Path users = usersValue != null ? path(ConfigKey.AS_USERS) : data == null ? null : data.resolve("users");
    String serviceClientsValue = ConfigParser.blankToNull(parser.sources.get(ConfigKey.AS_SERVICE_CLIENTS));
    Path serviceClients = serviceClientsValue != null ? path(ConfigKey.AS_SERVICE_CLIENTS)
        : data == null ? null : data.resolve("service-clients");
    List<String> scopes = parser.scopes(ConfigKey.AS_SCOPES);
    if (scopes.isEmpty()) {
      parser.errors.add(ConfigKey.AS_SCOPES.key() + " must offer at least one scope");
    }
    Duration cacheMin = parser.duration(ConfigKey.AS_CIMD_CACHE_MIN, Duration.ZERO, Duration.ofDays(30));
    Duration cacheMax = parser.duration(ConfigKey.AS_CIMD_CACHE_MAX, Duration.ZERO, Duration.ofDays(30));
    if (cacheMin.compareTo(cacheMax) > 0) {
      parser.errors.add(ConfigKey.AS_CIMD_CACHE_MIN.key() + " must not be longer than " + ConfigKey.AS_CIMD_CACHE_MAX.key());
    }
    UpstreamSettings upstream = new UpstreamSettings(parser);
    return new AuthServerConfig(
        port,
        bind,
        issuer,
        data,
        users,
        serviceClients,
        scopes,
        keystore,
        parser.sources.get(ConfigKey.AS_TLS_KEYSTORE_PASSWORD),
        insecureHttp,
        parser.duration(ConfigKey.AS_ACCESS_TOKEN_LIFETIME, Duration.ofMinutes(1), Duration.ofHours(24)),
        parser.duration(ConfigKey.AS_REFRESH_TOKEN_IDLE, Duration.ofMinutes(1), Duration.ofDays(365)),
        parser.duration(ConfigKey.AS_REFRESH_TOKEN_LIFETIME, Duration.ofMinutes(1), Duration.ofDays(365)),
        parser.duration(ConfigKey.AS_SIGNING_KEY_MAX_AGE, Duration.ofSeconds(1), Duration.ofDays(3650)),
        parser.bool(ConfigKey.AS_DCR),
        parser.integer(ConfigKey.AS_DCR_PER_MINUTE, 1, 1_000_000),
        parser.integer(ConfigKey.AS_DCR_MAX_CLIENTS, 1, 1_000_000),
        parser.duration(ConfigKey.AS_DCR_UNUSED_EXPIRY, Duration.ofMinutes(1), Duration.ofDays(3650)),
        parser.bool(ConfigKey.AS_CIMD),
        trustedHosts(),
        parser.bool(ConfigKey.AS_CIMD_ALLOW_PRIVATE),
        parser.integer(ConfigKey.AS_CIMD_MAX_BYTES, 1024, 1 << 20),
        parser.duration(ConfigKey.AS_CIMD_TIMEOUT, Duration.ofMillis(100), Duration.ofMinutes(1)),
        cacheMin,
        cacheMax,
        parser.integer(ConfigKey.AS_LOGIN_FAILURES_PER_ACCOUNT, 1, 1_000_000),
        parser.integer(ConfigKey.AS_LOGIN_FAILURES_PER_ADDRESS, 1, 1_000_000),
        parser.integer(ConfigKey.AS_TOKEN_FAILURES_PER_ADDRESS, 1, 1_000_000),
        upstream.upstream(scopes),
        upstream.idJagIssuers(),
        parser.duration(ConfigKey.AS_ID_JAG_MAX_LIFETIME, Duration.ofSeconds(10), Duration.ofHours(1)));
  }

  private InetAddress bindAddress() {
    String value = Ascii.trim(parser.sources.get(ConfigKey.AS_BIND_ADDRESS));
    // A literal address only: the server must not bind wherever a name happens to resolve today.
    InetAddress address = ConfigParser.ipLiteral(value);
    if (address == null) {
      parser.errors.add(ConfigKey.AS_BIND_ADDRESS.key() + " must be an IP address, not '" + LogText.printable(value) + "'");
    }
    return address;
  }

  private Path keystore() {
    Path keystore = path(ConfigKey.AS_TLS_KEYSTORE);
    if (keystore != null && !Files.isReadable(keystore)) {
      parser.errors.add(ConfigKey.AS_TLS_KEYSTORE.key() + " is not a readable file: " + keystore);
      return null;
    }
    return keystore;
  }

  private URI issuer(boolean secureOrOptedIn) {
    URI issuer = parser.httpUri(ConfigKey.AS_ISSUER, false);
    if (issuer == null) {
      return null;
    }
    if (issuer.getRawQuery() != null) {
      parser.errors.add(ConfigKey.AS_ISSUER.key() + " must not have a query (RFC 8414 §2)");
    }
    if (issuer.getRawPath() != null && issuer.getRawPath().endsWith("/")) {
      parser.errors.add(ConfigKey.AS_ISSUER.key() + " must not end with '/': the issuer is compared as a string");
    }
    return issuer;
  }

  private List<String> trustedHosts() {
    List<String> hosts = new ArrayList<>();
    for (String part : parser.sources.get(ConfigKey.AS_CIMD_TRUSTED_HOSTS).split("[,\\s]+")) {
      if (part.isEmpty()) {
        continue;
      }
      String host = Ascii.toLowerCase(part);
      if (!host.equals("*") && !host.matches("(\\*\\.)?[a-z0-9]([a-z0-9.-]*[a-z0-9])?")) {
        parser.errors.add(ConfigKey.AS_CIMD_TRUSTED_HOSTS.key() + ": '" + LogText.printable(part)
            + "' is not a host name, a *.suffix pattern or *");
      } else {
        hosts.add(host);
      }
    }
    return List.copyOf(hosts);
  }

  /** A path setting; a leading {@code ~/} is the user's home directory. */
  private Path path(ConfigKey key) {
    String value = ConfigParser.blankToNull(parser.sources.get(key));
    return value == null ? null : ConfigParser.path(value);
  }
}
