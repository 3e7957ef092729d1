package io.mcpauth.core.config;

import io.mcpauth.core.logging.LogText;
import io.mcpauth.core.text.Ascii;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The part of {@link ConfigParser} that says how each trusted issuer's tokens are checked: the
 * introspection client of {@code mcpauth.issuer}, and the issuers named in
 * {@code mcpauth.additional-issuers} with their {@code mcpauth.issuer.NAME.*} keys. A client secret
 * is never echoed in an error.
 */
final class IssuerSettings {

  // Lower-case letters and digits only: the environment variable MCPAUTH_ISSUER_<NAME>_URL maps back to one key.
  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9]{0,31}");

  /** One property as the user wrote it: its full name (for errors) and its raw value. */
  private record Setting(String property, String value) {
    boolean present() {
      return ConfigParser.blankToNull(value) != null;
    }
  }

  private final ConfigParser parser;
  private final boolean embedded;

  IssuerSettings(ConfigParser parser, boolean embedded) {
    this.parser = parser;
    this.embedded = embedded;
  }

  /** The names listed in {@code mcpauth.additional-issuers}, unchecked: they make their per-issuer keys known. */
  static List<String> listedNames(ConfigSources sources) {
    String value = ConfigParser.blankToNull(sources.get(ConfigKey.ADDITIONAL_ISSUERS));
    List<String> names = new ArrayList<>();
    if (value != null) {
      for (String part : value.split("[,\\s]+")) {
        if (!part.isEmpty()) {
          names.add(part);
        }
      }
    }
    return names;
  }

  /** The introspection client of {@code mcpauth.issuer}, or null when its tokens are verified with its JWKS. */
  IntrospectionSettings primaryIntrospection() {
    Setting uri = setting(ConfigKey.INTROSPECTION_URI);
    Setting clientId = setting(ConfigKey.INTROSPECTION_CLIENT_ID);
    Setting secret = setting(ConfigKey.INTROSPECTION_CLIENT_SECRET);
    Setting secretFile = setting(ConfigKey.INTROSPECTION_CLIENT_SECRET_FILE);
    if (embedded) {
      for (Setting given : List.of(uri, clientId, secret, secretFile)) {
        if (given.present()) {
          parser.errors.add(given.property() + " needs " + ConfigKey.ISSUER.key()
              + " (the embedded authorization server's own tokens are verified in process)");
        }
      }
      return null;
    }
    return introspection(uri, clientId, secret, secretFile, setting(ConfigKey.JWKS_URI));
  }

  /** The issuers of {@code mcpauth.additional-issuers}, in their listed order. */
  List<TrustedIssuer> additionalIssuers(URI primaryIssuer) {
    List<String> names = listedNames(parser.sources);
    if (names.isEmpty()) {
      return List.of();
    }
    if (embedded) {
      parser.errors.add(ConfigKey.ADDITIONAL_ISSUERS.key() + " needs " + ConfigKey.ISSUER.key()
          + " (the embedded authorization server is the only issuer when it runs)");
      return List.of();
    }
    Map<String, String> propertyByIssuer = new HashMap<>();
    if (primaryIssuer != null) {
      propertyByIssuer.put(primaryIssuer.toString(), ConfigKey.ISSUER.key());
    }
    Set<String> seen = new HashSet<>();
    List<TrustedIssuer> issuers = new ArrayList<>();
    for (String name : names) {
      if (!NAME.matcher(name).matches()) {
        parser.errors.add(ConfigKey.ADDITIONAL_ISSUERS.key() + ": '" + LogText.printable(name)
            + "' is not a valid name (a lower-case letter, then up to 31 lower-case letters or digits)");
        continue;
      }
      if (!seen.add(name)) {
        parser.errors.add(ConfigKey.ADDITIONAL_ISSUERS.key() + " lists '" + name + "' twice");
        continue;
      }
      Setting url = setting(ConfigKey.ISSUER_NAMED_URL, name);
      URI issuer = parser.httpUri(url.property(), url.value(), true);
      Setting jwks = setting(ConfigKey.ISSUER_NAMED_JWKS_URI, name);
      URI jwksUri = parser.httpUri(jwks.property(), jwks.value(), false);
      IntrospectionSettings introspection = introspection(
          setting(ConfigKey.ISSUER_NAMED_INTROSPECTION_URI, name),
          setting(ConfigKey.ISSUER_NAMED_INTROSPECTION_CLIENT_ID, name),
          setting(ConfigKey.ISSUER_NAMED_INTROSPECTION_CLIENT_SECRET, name),
          setting(ConfigKey.ISSUER_NAMED_INTROSPECTION_CLIENT_SECRET_FILE, name),
          jwks);
      if (issuer == null) {
        continue;
      }
      // The issuer picks the verifier by exact match: two entries for one issuer would make that ambiguous.
      String earlier = propertyByIssuer.putIfAbsent(issuer.toString(), url.property());
      if (earlier != null) {
        parser.errors.add(url.property() + " names the same issuer as " + earlier);
        continue;
      }
      issuers.add(new TrustedIssuer(issuer, jwksUri, introspection));
    }
    return List.copyOf(issuers);
  }

  private IntrospectionSettings introspection(Setting uri, Setting clientId, Setting secret, Setting secretFile,
      Setting jwks) {
    if (!uri.present()) {
      for (Setting given : List.of(clientId, secret, secretFile)) {
        if (given.present()) {
          parser.errors.add(given.property() + " needs " + uri.property());
        }
      }
      return null;
    }
    URI endpoint = parser.httpUri(uri.property(), uri.value(), false);
    if (jwks.present()) {
      // RS-SEC-56: one way per issuer, so a token that fails one check is never tried with the other.
      parser.errors.add(jwks.property() + " and " + uri.property()
          + " exclude each other: an issuer's tokens are verified with its keys or introspected, not both");
    }
    String id = ConfigParser.blankToNull(clientId.value());
    if (id == null) {
      parser.errors.add(clientId.property() + " is required with " + uri.property());
    } else if (!ClientSecretFile.printable(id)) {
      parser.errors.add(clientId.property() + " must be printable ASCII (RFC 6749 Appendix A.1)");
      id = null;
    }
    String clientSecret = clientSecret(secret, secretFile, uri);
    return endpoint == null || id == null || clientSecret == null ? null
        : new IntrospectionSettings(endpoint, id, clientSecret);
  }

  private String clientSecret(Setting secret, Setting secretFile, Setting uri) {
    if (secret.present() == secretFile.present()) {
      parser.errors.add(secret.property() + (secret.present() ? " and " + secretFile.property() + " exclude each other"
          : " or " + secretFile.property() + " is required with " + uri.property()));
      return null;
    }
    String value = secret.present() ? Ascii.trim(secret.value()) : ClientSecretFile.read(parser, secretFile.property(), secretFile.value());
    if (value != null && !ClientSecretFile.printable(value)) {
      parser.errors.add((secret.present() ? secret : secretFile).property()
          + ": the client secret must be printable ASCII (RFC 6749 Appendix A.2)");
      return null;
    }
    return value;
  }

  private Setting setting(ConfigKey key) {
    return new Setting(key.key(), parser.sources.get(key));
  }

  private Setting setting(ConfigKey key, String name) {
    return new Setting(key.keyFor(name), parser.sources.get(key, name));
  }
}
