package io.mcpauth.core.authserver.clients;

import io.mcpauth.core.text.Ascii;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Set;

/**
 * Which redirect URIs a client may register, and whether a requested one is a registered one
 * (AS-07, AS-SEC-05, AS-SEC-39).
 *
 * <p>Matching is simple string comparison (RFC 9700 §4.1.3, OAuth 2.1 §4.1.1): no case folding,
 * no default-port elision, no percent-decoding, no dot-segment removal. The only exception is the
 * port of an {@code http} redirect to a loopback host, which native apps pick at run time
 * (RFC 8252 §7.3).
 */
public final class RedirectUris {

  /** Longer URIs are refused at registration (D20). */
  public static final int MAX_LENGTH = 2048;

  private static final Set<String> LOOPBACK_HOSTS = Set.of("127.0.0.1", "[::1]", "localhost");

  private RedirectUris() {}

  /** Whether {@code requested} names the registered redirect URI {@code registered}. */
  public static boolean matches(String registered, String requested) {
    if (registered == null || requested == null || requested.isEmpty()) {
      return false;
    }
    if (registered.equals(requested)) {
      return true;
    }
    String registeredWithoutPort = withoutLoopbackPort(registered);
    return registeredWithoutPort != null && registeredWithoutPort.equals(withoutLoopbackPort(requested));
  }

  /**
   * The redirect URI an authorization request resolves to, or null when it must get an error page
   * and no redirect. An absent {@code redirect_uri} stands for the only registered one, and is an
   * error when several are registered (OAuth 2.1 §4.1.1; R21, AS-SEC-06). A matching loopback URI
   * resolves to the requested one, whose port the app is listening on.
   */
  public static String select(List<String> registered, String requested) {
    if (requested == null || requested.isEmpty()) {
      return registered.size() == 1 ? registered.get(0) : null;
    }
    for (String candidate : registered) {
      if (matches(candidate, requested)) {
        return requested;
      }
    }
    return null;
  }

  /**
   * Null when {@code uri} may be registered, else a short reason fit for an
   * {@code invalid_redirect_uri} error_description (it never repeats the URI). Accepted: https;
   * http to a loopback host (RFC 8252 §7.3); a private-use scheme in reverse-domain form for native
   * apps (RFC 8252 §7.1). Never a fragment (RFC 6749 §3.1.2) or userinfo.
   */
  public static String registrationProblem(String uri) {
    if (uri == null || uri.isEmpty()) {
      return "is empty";
    }
    if (uri.length() > MAX_LENGTH) {
      return "is longer than " + MAX_LENGTH + " characters";
    }
    for (int i = 0; i < uri.length(); i++) {
      char c = uri.charAt(i);
      // Whitespace is refused rather than trimmed (D21); control characters could split headers (D19).
      if (c <= 0x20 || c >= 0x7f) {
        return "contains whitespace, control or non-ASCII characters";
      }
    }
    URI parsed;
    try {
      parsed = new URI(uri);
    } catch (URISyntaxException e) {
      return "is not a valid URI";
    }
    if (!parsed.isAbsolute()) {
      return "is not an absolute URI";
    }
    if (parsed.getRawFragment() != null) {
      return "has a fragment";
    }
    if (parsed.isOpaque()) {
      return "has no path";
    }
    if (parsed.getRawUserInfo() != null) {
      return "has userinfo";
    }
    String scheme = Ascii.toLowerCase(parsed.getScheme());
    return switch (scheme) {
      case "https" -> hostProblem(parsed);
      case "http" -> {
        String problem = hostProblem(parsed);
        yield problem != null || isLoopbackHost(parsed.getHost()) ? problem : "uses http for a host that is not loopback";
      }
      default -> privateUseSchemeProblem(scheme);
    };
  }

  /** Whether {@code uri} points at this machine: the consent page warns when all of a client's do (AS-15). */
  public static boolean isLoopback(String uri) {
    if (uri == null) {
      return false;
    }
    try {
      URI parsed = new URI(uri);
      String scheme = parsed.getScheme();
      return scheme != null && (Ascii.equalsIgnoreCase(scheme, "http") || Ascii.equalsIgnoreCase(scheme, "https"))
          && isLoopbackHost(parsed.getHost());
    } catch (URISyntaxException e) {
      return false;
    }
  }

  /** Whether {@code uri} uses a private-use scheme (RFC 8252 §7.1), which only native apps have. */
  static boolean isPrivateUseScheme(String uri) {
    int colon = uri.indexOf(':');
    if (colon <= 0) {
      return false;
    }
    String scheme = Ascii.toLowerCase(uri.substring(0, colon));
    return !scheme.equals("http") && !scheme.equals("https");
  }

  static boolean isLoopbackHost(String host) {
    return host != null && LOOPBACK_HOSTS.contains(Ascii.toLowerCase(host));
  }

  private static String hostProblem(URI parsed) {
    // java.net.URI leaves the host null for an authority that is not a host name or address (D15 '*').
    if (parsed.getHost() == null) {
      return "has no valid host";
    }
    if (parsed.getPort() > 65535) {
      return "has an invalid port";
    }
    return null;
  }

  /**
   * RFC 8252 §7.1: "a URI scheme based on a domain name under their control, expressed in reverse
   * order". Requiring a dot rules out {@code javascript:}, {@code data:}, {@code file:} and every
   * other scheme a browser acts on (D08-D12) as well as squattable names such as {@code myapp:} (D18).
   */
  private static String privateUseSchemeProblem(String scheme) {
    String[] labels = scheme.split("\\.", -1);
    if (labels.length < 2) {
      return "uses a scheme that is neither https, loopback http nor a reverse-domain private-use scheme";
    }
    for (String label : labels) {
      if (label.isEmpty()) {
        return "uses a private-use scheme with an empty label";
      }
    }
    return null;
  }

  /**
   * {@code uri} without its port when it is an http URI to a loopback host, else null. The rest of
   * the string is kept byte for byte, so two URIs that agree on it differ at most in the port.
   */
  private static String withoutLoopbackPort(String uri) {
    if (!Ascii.startsWithIgnoreCase(uri, "http://")) {
      return null;
    }
    int authorityStart = "http://".length();
    int authorityEnd = authorityStart;
    while (authorityEnd < uri.length() && "/?#".indexOf(uri.charAt(authorityEnd)) < 0) {
      authorityEnd++;
    }
    String authority = uri.substring(authorityStart, authorityEnd);
    int portColon = authority.lastIndexOf(':');
    if (portColon >= 0 && authority.indexOf(']', portColon) >= 0) {
      portColon = -1; // the colon belongs to an IPv6 literal
    }
    String host = portColon < 0 ? authority : authority.substring(0, portColon);
    if (portColon >= 0 && !isPort(authority.substring(portColon + 1))) {
      return null;
    }
    if (!isLoopbackHost(host)) {
      return null;
    }
    return uri.substring(0, authorityStart) + host + uri.substring(authorityEnd);
  }

  private static boolean isPort(String digits) {
    long port = Ascii.parseDecimal(digits, 5);
    return port >= 0 && port <= 65535;
  }
}
