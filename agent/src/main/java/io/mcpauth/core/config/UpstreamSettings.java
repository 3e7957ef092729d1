package io.mcpauth.core.config;

import io.mcpauth.core.logging.LogText;
import io.mcpauth.core.text.Ascii;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** The {@code mcpauth.as.upstream.*} and {@code mcpauth.as.id-jag.*} part of {@link AuthServerSettings}. */
final class UpstreamSettings {

  private static final Pattern CLAIM_NAME = Pattern.compile("[A-Za-z0-9_.:/-]{1,128}");
  private static final Pattern DOMAIN = Pattern.compile("[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+");
  /** Set by the flow itself; a configured extra parameter may not replace one. */
  private static final List<String> FLOW_PARAMETERS = List.of("response_type", "client_id", "redirect_uri", "scope",
      "state", "nonce", "code_challenge", "code_challenge_method", "response_mode", "request", "request_uri");

  private final ConfigParser parser;

  UpstreamSettings(ConfigParser parser) {
    this.parser = parser;
  }

  /** The upstream sign-in, or null when {@code mcpauth.as.upstream.issuer} is not set. */
  UpstreamConfig upstream(List<String> scopesOnOffer) {
    URI issuer = parser.httpUri(ConfigKey.AS_UPSTREAM_ISSUER, false);
    if (ConfigParser.blankToNull(parser.sources.get(ConfigKey.AS_UPSTREAM_ISSUER)) == null) {
      for (ConfigKey key : List.of(ConfigKey.AS_UPSTREAM_CLIENT_ID, ConfigKey.AS_UPSTREAM_CLIENT_SECRET,
          ConfigKey.AS_UPSTREAM_CLIENT_SECRET_FILE, ConfigKey.AS_UPSTREAM_EMAIL_DOMAINS)) {
        if (ConfigParser.blankToNull(parser.sources.get(key)) != null) {
          parser.errors.add(key.key() + " needs " + ConfigKey.AS_UPSTREAM_ISSUER.key());
        }
      }
      for (ConfigKey family : List.of(ConfigKey.AS_UPSTREAM_REQUIRE, ConfigKey.AS_UPSTREAM_SCOPES_FROM)) {
        if (!parser.sources.rules(family).isEmpty()) {
          parser.errors.add(family.ruleFamily() + "* needs " + ConfigKey.AS_UPSTREAM_ISSUER.key());
        }
      }
      return null;
    }
    if (issuer != null && issuer.getRawQuery() != null) {
      parser.errors.add(ConfigKey.AS_UPSTREAM_ISSUER.key() + " must not have a query (OpenID Connect Discovery §2)");
    }
    String clientId = ConfigParser.blankToNull(parser.sources.get(ConfigKey.AS_UPSTREAM_CLIENT_ID));
    if (clientId == null) {
      parser.errors.add(ConfigKey.AS_UPSTREAM_CLIENT_ID.key() + " is required with " + ConfigKey.AS_UPSTREAM_ISSUER.key());
    } else if (!ClientSecretFile.printable(clientId)) {
      parser.errors.add(ConfigKey.AS_UPSTREAM_CLIENT_ID.key() + " must be printable ASCII (RFC 6749 Appendix A.1)");
    }
    String secret = clientSecret();
    List<String> scopes = parser.scopes(ConfigKey.AS_UPSTREAM_SCOPES);
    if (!scopes.contains("openid")) {
      parser.errors.add(ConfigKey.AS_UPSTREAM_SCOPES.key() + " must hold openid: sign-in rests on the ID token");
    }
    String extra = authorizationParameters();
    String subjectClaim = claimName(ConfigKey.AS_UPSTREAM_SUBJECT_CLAIM.key(),
        Ascii.trim(parser.sources.get(ConfigKey.AS_UPSTREAM_SUBJECT_CLAIM)));
    String groupsClaim = claimName(ConfigKey.AS_UPSTREAM_GROUPS_CLAIM.key(),
        Ascii.trim(parser.sources.get(ConfigKey.AS_UPSTREAM_GROUPS_CLAIM)));
    Map<String, List<String>> required = new LinkedHashMap<>();
    for (Map.Entry<String, String> rule : parser.sources.rules(ConfigKey.AS_UPSTREAM_REQUIRE).entrySet()) {
      String property = ConfigKey.AS_UPSTREAM_REQUIRE.ruleFamily() + rule.getKey();
      claimName(property, rule.getKey());
      List<String> values = list(rule.getValue());
      if (values.isEmpty()) {
        parser.errors.add(property + " must name at least one value");
      }
      required.put(rule.getKey(), values);
    }
    Map<String, List<String>> scopesFrom = new LinkedHashMap<>();
    for (Map.Entry<String, String> rule : parser.sources.rules(ConfigKey.AS_UPSTREAM_SCOPES_FROM).entrySet()) {
      String property = ConfigKey.AS_UPSTREAM_SCOPES_FROM.ruleFamily() + rule.getKey();
      List<String> mapped = parser.scopes(property, rule.getValue());
      for (String scope : mapped) {
        if (!scopesOnOffer.contains(scope)) {
          parser.errors.add(property + " maps to '" + LogText.printable(scope) + "', which is not in "
              + ConfigKey.AS_SCOPES.key());
        }
      }
      scopesFrom.put(rule.getKey(), mapped);
    }
    if (issuer == null || clientId == null || subjectClaim == null || groupsClaim == null) {
      return null;
    }
    return new UpstreamConfig(issuer, clientId, secret, scopes, extra, subjectClaim, groupsClaim, emailDomains(),
        Map.copyOf(required), Map.copyOf(scopesFrom));
  }

  /** The issuers of {@code mcpauth.as.id-jag.issuers}, in their listed order. */
  List<URI> idJagIssuers() {
    List<URI> issuers = new ArrayList<>();
    for (String part : list(parser.sources.get(ConfigKey.AS_ID_JAG_ISSUERS))) {
      URI issuer = parser.httpUri(ConfigKey.AS_ID_JAG_ISSUERS.key(), part, true);
      if (issuer != null && issuers.contains(issuer)) {
        parser.errors.add(ConfigKey.AS_ID_JAG_ISSUERS.key() + " lists " + issuer + " twice");
      } else if (issuer != null) {
        issuers.add(issuer);
      }
    }
    return List.copyOf(issuers);
  }

  private String clientSecret() {
    String secret = ConfigParser.blankToNull(parser.sources.get(ConfigKey.AS_UPSTREAM_CLIENT_SECRET));
    String file = ConfigParser.blankToNull(parser.sources.get(ConfigKey.AS_UPSTREAM_CLIENT_SECRET_FILE));
    if (secret != null && file != null) {
      parser.errors.add(ConfigKey.AS_UPSTREAM_CLIENT_SECRET.key() + " and " + ConfigKey.AS_UPSTREAM_CLIENT_SECRET_FILE.key()
          + " exclude each other");
      return null;
    }
    String value = file != null ? ClientSecretFile.read(parser, ConfigKey.AS_UPSTREAM_CLIENT_SECRET_FILE.key(), file) : secret;
    if (value != null && !ClientSecretFile.printable(value)) {
      parser.errors.add((file != null ? ConfigKey.AS_UPSTREAM_CLIENT_SECRET_FILE : ConfigKey.AS_UPSTREAM_CLIENT_SECRET).key()
          + ": the client secret must be printable ASCII (RFC 6749 Appendix A.2)");
      return null;
    }
    return value;
  }

  private String authorizationParameters() {
    String value = Ascii.trim(parser.sources.get(ConfigKey.AS_UPSTREAM_AUTHORIZATION_PARAMETERS));
    for (String pair : value.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      String name = pair.split("=", 2)[0];
      if (!name.matches("[A-Za-z0-9_.~-]+") || !pair.matches("[A-Za-z0-9_.~%+=-]+")) {
        parser.errors.add(ConfigKey.AS_UPSTREAM_AUTHORIZATION_PARAMETERS.key() + " must be form-encoded name=value pairs "
            + "joined by &, not '" + LogText.printable(value) + "'");
        return "";
      }
      if (FLOW_PARAMETERS.contains(name)) {
        parser.errors.add(ConfigKey.AS_UPSTREAM_AUTHORIZATION_PARAMETERS.key() + " may not set " + name
            + ": the sign-in flow sets it");
      }
    }
    return value;
  }

  private List<String> emailDomains() {
    List<String> domains = new ArrayList<>();
    for (String part : list(parser.sources.get(ConfigKey.AS_UPSTREAM_EMAIL_DOMAINS))) {
      String domain = Ascii.toLowerCase(part);
      if (!DOMAIN.matcher(domain).matches()) {
        parser.errors.add(ConfigKey.AS_UPSTREAM_EMAIL_DOMAINS.key() + ": '" + LogText.printable(part)
            + "' is not a domain name such as example.com");
      } else {
        domains.add(domain);
      }
    }
    return List.copyOf(domains);
  }

  private String claimName(String property, String name) {
    if (!CLAIM_NAME.matcher(name).matches()) {
      parser.errors.add(property + ": '" + LogText.printable(name) + "' is not a claim name");
      return null;
    }
    return name;
  }

  private static List<String> list(String value) {
    List<String> parts = new ArrayList<>();
    for (String part : value.split(",")) {
      String trimmed = Ascii.trim(part);
      if (!trimmed.isEmpty()) {
        parts.add(trimmed);
      }
    }
    return parts;
  }
}
