package io.mcpauth.core.authserver;

import java.net.URI;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The resources (RFC 8707) tokens may be issued for: the configured {@code mcpauth.resource}, or,
 * when the resource server derives it, any loopback origin. Returns the canonical form that goes
 * into {@code aud}, which is exactly what the resource server compares.
 */
final class ResourcePolicy {

  private static final Pattern LOOPBACK_ORIGIN =
      Pattern.compile("http://(localhost|127\\.0\\.0\\.1|\\[::1\\])(:[1-9][0-9]{0,4})?/?", Pattern.CASE_INSENSITIVE);

  private final String configured;

  /** @param configured the configured resource, or null for loopback origins */
  ResourcePolicy(URI configured) {
    this.configured = configured == null ? null : configured.toString();
  }

  /** The resource to bind when a request names none, or null when one must be named. */
  String defaultResource() {
    return configured;
  }

  /** The canonical resource for a requested one, or null when tokens cannot be issued for it (invalid_target). */
  String canonical(String requested) {
    if (configured != null) {
      return withoutRootSlash(requested).equals(withoutRootSlash(configured)) ? configured : null;
    }
    Matcher loopback = LOOPBACK_ORIGIN.matcher(requested);
    if (!loopback.matches()) {
      return null;
    }
    String port = loopback.group(2) == null ? "" : loopback.group(2);
    return "http://" + loopback.group(1).toLowerCase(Locale.ROOT) + port + "/";
  }

  /** {@code https://host} and {@code https://host/} name the same resource; the TypeScript SDK sends the latter. */
  private static String withoutRootSlash(String uri) {
    int authorityStart = uri.indexOf("://");
    if (authorityStart >= 0 && uri.endsWith("/") && uri.indexOf('/', authorityStart + 3) == uri.length() - 1) {
      return uri.substring(0, uri.length() - 1);
    }
    return uri;
  }
}
