package io.mcpauth.core.config;

import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Settings of the embedded authorization server, present when no external {@code mcpauth.issuer}
 * is configured. {@code issuer} is null until the port is bound when it is left to its default.
 * {@code upstream} is null when users sign in with the users file; {@code idJagIssuers} is empty
 * when the jwt-bearer (ID-JAG) grant is off.
 */
public record AuthServerConfig(
    int port,
    InetAddress bindAddress,
    URI issuer,
    Path dataDirectory,
    Path usersFile,
    Path serviceClientsFile,
    List<String> scopes,
    Path tlsKeystore,
    String tlsKeystorePassword,
    boolean insecureHttp,
    Duration accessTokenLifetime,
    Duration refreshTokenIdle,
    Duration refreshTokenLifetime,
    Duration signingKeyMaxAge,
    boolean dynamicRegistration,
    int registrationsPerMinute,
    int maxClients,
    Duration unusedClientExpiry,
    boolean metadataDocuments,
    List<String> metadataDocumentHosts,
    boolean metadataDocumentPrivateAddresses,
    int metadataDocumentMaxBytes,
    Duration metadataDocumentTimeout,
    Duration metadataDocumentCacheMin,
    Duration metadataDocumentCacheMax,
    int loginFailuresPerAccount,
    int loginFailuresPerAddress,
    int tokenFailuresPerAddress,
    UpstreamConfig upstream,
    List<URI> idJagIssuers,
    Duration idJagMaxLifetime) {

  public boolean tls() {
    return tlsKeystore != null;
  }

  /** The issuer once the actual port is known: the configured one, else {@code http(s)://localhost:PORT}. */
  public URI issuerFor(int boundPort) {
    return issuer != null ? issuer : URI.create((tls() ? "https" : "http") + "://localhost:" + boundPort);
  }

  public AuthServerConfig withIssuer(URI boundIssuer) {
    return new AuthServerConfig(port, bindAddress, boundIssuer, dataDirectory, usersFile, serviceClientsFile, scopes, tlsKeystore,
        tlsKeystorePassword, insecureHttp, accessTokenLifetime, refreshTokenIdle, refreshTokenLifetime,
        signingKeyMaxAge, dynamicRegistration, registrationsPerMinute, maxClients, unusedClientExpiry,
        metadataDocuments, metadataDocumentHosts, metadataDocumentPrivateAddresses, metadataDocumentMaxBytes,
        metadataDocumentTimeout, metadataDocumentCacheMin, metadataDocumentCacheMax, loginFailuresPerAccount,
        loginFailuresPerAddress, tokenFailuresPerAddress, upstream, idJagIssuers, idJagMaxLifetime);
  }

  @Override
  public String toString() {
    // The keystore password never reaches a log line through this record.
    return "AuthServerConfig[issuer=" + issuer + ", port=" + port + ", data=" + dataDirectory + "]";
  }
}
