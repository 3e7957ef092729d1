package io.mcpauth.core.rpc;

import io.mcpauth.core.text.Ascii;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;

/**
 * The Origin rule of MCP streamable HTTP (RS-18): a request whose Origin names another site than
 * the allowed ones is answered 403, against DNS rebinding and cross-site POSTs (vector J18,
 * GHSA-8jxr-pr72-r468). A request without Origin, which is every non-browser client, passes;
 * the opaque origin {@code null} (sandboxed frames, file pages) does not.
 */
public final class OriginCheck {

  private final Set<String> allowed = new HashSet<>();
  private final boolean anyLoopback;

  /** @param allowedOrigins origins or URLs (the resource itself will do); only their origin counts */
  public OriginCheck(Collection<String> allowedOrigins) {
    this(allowedOrigins, false);
  }

  /**
   * @param anyLoopback also allow every http(s) origin on {@code localhost}, {@code 127.0.0.1} or
   *     {@code [::1]}, whatever its port: for a server on a loopback address, whose browser-based
   *     local clients (an inspector on another port) are no rebinding risk, while a rebound page
   *     still carries its own, foreign Origin
   */
  public OriginCheck(Collection<String> allowedOrigins, boolean anyLoopback) {
    this.anyLoopback = anyLoopback;
    for (String origin : allowedOrigins) {
      String canonical = canonical(origin, true);
      if (canonical == null) {
        throw new IllegalArgumentException("not an http(s) origin: " + origin);
      }
      allowed.add(canonical);
    }
  }

  public boolean allows(String origin) {
    if (origin == null) {
      return true;
    }
    String canonical = canonical(origin, false);
    return canonical != null && (allowed.contains(canonical) || anyLoopback && isLoopback(canonical));
  }

  /** True for the canonical origin of a loopback host (RFC 6761 localhost, IPv4 and IPv6 loopback). */
  private static boolean isLoopback(String canonical) {
    String host = canonical.substring(canonical.indexOf("://") + 3, canonical.lastIndexOf(':'));
    return host.equals("localhost") || host.equals("127.0.0.1") || host.equals("[::1]");
  }

  /** True when {@code host} (as {@code URI.getHost()} gives it) is a loopback name or address. */
  public static boolean isLoopbackHost(String host) {
    return host != null && (Ascii.equalsIgnoreCase(host, "localhost") || host.equals("127.0.0.1") || host.equals("[::1]"));
  }

  /**
   * {@code scheme://host:port} in lower case with the default port made explicit (RFC 6454 §4),
   * or null. An Origin field is a bare origin (RFC 6454 §7.1); {@code withPath} admits URLs.
   */
  private static String canonical(String value, boolean withPath) {
    URI uri;
    try {
      uri = new URI(Ascii.trim(value));
    } catch (URISyntaxException e) {
      return null;
    }
    String scheme = uri.getScheme() == null ? "" : Ascii.toLowerCase(uri.getScheme());
    int defaultPort = scheme.equals("https") ? 443 : scheme.equals("http") ? 80 : -1;
    boolean bare = (uri.getRawPath() == null || uri.getRawPath().isEmpty()) && uri.getRawQuery() == null
        && uri.getRawFragment() == null;
    if (defaultPort < 0 || uri.getHost() == null || uri.getRawUserInfo() != null || !(bare || withPath)) {
      return null;
    }
    int port = uri.getPort() < 0 ? defaultPort : uri.getPort();
    return scheme + "://" + Ascii.toLowerCase(uri.getHost()) + ":" + port;
  }
}
