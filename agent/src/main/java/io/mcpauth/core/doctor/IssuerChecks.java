package io.mcpauth.core.doctor;

import io.mcpauth.core.config.AgentConfig;
import io.mcpauth.core.config.TrustedIssuer;
import io.mcpauth.core.denial.ReasonCode;
import io.mcpauth.core.introspection.IntrospectionVerifier;
import io.mcpauth.core.keys.HttpFetcher;
import io.mcpauth.core.keys.IssuerMetadata;
import io.mcpauth.core.token.JwksParser;
import io.mcpauth.core.token.KeySet;
import io.mcpauth.core.token.TokenRejectedException;
import io.mcpauth.core.token.VerifiedToken;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What each trusted issuer answers, fetched as the agent fetches it (same fetcher, bounds, metadata
 * and JWKS readers): a line for its metadata and one for its keys, or one for its introspection
 * endpoint. Keeps the keys for the token checks.
 */
final class IssuerChecks {

  /** Each JWKS issuer's keys (null when they could not be loaded) and where they came from. */
  private final Map<String, KeySet> keys = new LinkedHashMap<>();
  private final Map<String, URI> jwksUris = new LinkedHashMap<>();
  private final HttpFetcher fetcher;
  private final Clock clock;

  private IssuerChecks(HttpFetcher fetcher, Clock clock) {
    this.fetcher = fetcher;
    this.clock = clock;
  }

  static IssuerChecks run(AgentConfig config, DoctorOutput output, Clock clock) {
    IssuerChecks checks = new IssuerChecks(new HttpFetcher(config.httpTimeout(), config.maxDocumentBytes()), clock);
    for (TrustedIssuer trusted : config.trustedIssuers()) {
      if (trusted.introspected()) {
        checks.probeIntrospection(trusted, config, output);
      } else {
        checks.loadKeys(trusted, output);
      }
    }
    return checks;
  }

  List<String> jwksIssuers() {
    return List.copyOf(keys.keySet());
  }

  KeySet keys(String issuer) {
    return keys.get(issuer);
  }

  URI jwksUri(String issuer) {
    return jwksUris.get(issuer);
  }

  /**
   * The JWKS issuer to hold a token with an untrusted iss to: one that differs from it only by a
   * trailing slash, else the first; null when no issuer has a JWKS.
   */
  String closestJwksIssuer(String iss) {
    for (String issuer : keys.keySet()) {
      if (TokenFixes.differsByTrailingSlash(issuer, iss)) {
        return issuer;
      }
    }
    return keys.isEmpty() ? null : keys.keySet().iterator().next();
  }

  private void loadKeys(TrustedIssuer trusted, DoctorOutput output) {
    String issuer = trusted.issuer().toString();
    keys.put(issuer, null);
    URI jwksUri = trusted.jwksUri();
    if (jwksUri != null) {
      output.skip("metadata " + issuer, "not needed: mcpauth.jwks.uri is set");
    } else {
      try {
        jwksUri = IssuerMetadata.discoverJwksUri(trusted.issuer(), fetcher);
        output.ok("metadata " + issuer, "jwks_uri " + jwksUri);
      } catch (IOException e) {
        output.fail("metadata " + issuer, e.getMessage(), metadataFix(e.getMessage()));
        output.skip("jwks " + issuer, "no jwks_uri to fetch the keys from");
        return;
      }
    }
    jwksUris.put(issuer, jwksUri);
    try {
      JwksParser parser = new JwksParser();
      KeySet loaded = parser.parse(fetcher.get(jwksUri));
      if (loaded.size() == 0) {
        output.fail("jwks " + issuer, "no usable signing key at " + jwksUri
            + (parser.skipped().isEmpty() ? "" : " (left out: " + parser.skipped() + ")"),
            "publish the issuer's signing keys (RSA 2048+, EC P-256/384/521 or Ed25519) at that address");
        return;
      }
      keys.put(issuer, loaded);
      output.ok("jwks " + issuer, loaded.size() + " signing key(s) from " + jwksUri + ", kid(s) "
          + String.join(", ", loaded.kids()));
      if (!parser.skipped().isEmpty()) {
        output.note("left out: " + parser.skipped());
      }
    } catch (IOException e) {
      output.fail("jwks " + issuer, "cannot fetch " + jwksUri + ": " + e.getMessage(),
          "check that this machine reaches that address (proxy, firewall, TLS trust store); the agent refuses every"
              + " token with 503 until it can");
    } catch (JwksParser.InvalidJwksException e) {
      output.fail("jwks " + issuer, jwksUri + " is not a usable JWKS: " + e.getMessage(),
          "point mcpauth.jwks.uri (or the metadata's jwks_uri) at the issuer's JWK Set");
    }
  }

  private static String metadataFix(String message) {
    if (message.contains("does not equal")) {
      return "the metadata names another issuer: copy its issuer value into mcpauth.issuer, character for character"
          + " (a trailing slash counts)";
    }
    return "check mcpauth.issuer (the provider's issuer, as in its discovery document) and that this machine reaches it;"
        + " or set mcpauth.jwks.uri to skip discovery";
  }

  /** Without a token: an endpoint that answers a made-up token with active=false is reachable and takes our credentials. */
  private void probeIntrospection(TrustedIssuer trusted, AgentConfig config, DoctorOutput output) {
    String check = "introspection " + trusted.issuer();
    try {
      verifier(trusted, config).verify("mcpauth-doctor-probe-" + Long.toHexString(System.nanoTime()), true);
      output.fail(check, "the endpoint says a made-up token is active", "check mcpauth.introspection.uri is an RFC 7662 endpoint");
    } catch (TokenRejectedException e) {
      if (e.reason() == ReasonCode.TOKEN_INACTIVE) {
        output.ok(check, trusted.introspection().endpoint() + " answers and accepts the client credentials");
      } else {
        output.fail(check, trusted.introspection().endpoint() + ": " + e.getMessage() + " (the cause is on standard error)",
            "check mcpauth.introspection.uri, the client id and its secret (HTTP 401: the credentials are refused)");
      }
    }
  }

  void introspect(TrustedIssuer trusted, String token, AgentConfig config, DoctorOutput output) {
    String check = "token (introspected by " + trusted.issuer() + ")";
    try {
      VerifiedToken verified = verifier(trusted, config).verify(token, true);
      output.ok(check, "active; aud " + TokenFixes.quoted(verified.claims().get("aud")) + ", exp "
          + TokenFixes.time(verified.claims().get("exp")));
    } catch (TokenRejectedException e) {
      TokenFixes fixes = new TokenFixes(config, Map.of(), Map.of(), clock.instant().getEpochSecond());
      String fix = switch (e.reason()) {
        case TOKEN_INACTIVE -> "the authorization server says the token is not active (expired, revoked, or not its"
            + " token): get a fresh one";
        case INTROSPECTION_UNAVAILABLE -> "see the introspection line above";
        default -> fixes.fix(e.reason(), trusted.issuer().toString());
      };
      output.fail(check, e.reason().code() + ": " + e.getMessage(), fix);
    }
  }

  private IntrospectionVerifier verifier(TrustedIssuer trusted, AgentConfig config) {
    return new IntrospectionVerifier(config, trusted.issuer().toString(), trusted.introspection(), fetcher, Runnable::run,
        clock);
  }
}
