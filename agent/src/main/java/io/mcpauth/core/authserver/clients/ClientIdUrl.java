package io.mcpauth.core.authserver.clients;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * The shape a {@code client_id} must have to be fetched as a Client ID Metadata Document (AS-C2,
 * draft-ietf-oauth-client-id-metadata-document §3; S02-S07): an https URL with a host and a path,
 * no fragment, no userinfo, and no dot segments. A query is allowed (the draft only says SHOULD
 * NOT). The URL is never normalized: it is the client's identifier, compared as a string, so the
 * scheme must be written {@code https} in lower case and a numeric host must be a dotted-quad
 * decimal (see {@link IpLiterals#parse}).
 */
public final class ClientIdUrl {

  public static final int MAX_LENGTH = 2048;

  private ClientIdUrl() {}

  /** Whether {@code clientId} names a metadata document to fetch. */
  public static boolean isMetadataDocumentUrl(String clientId) {
    return problem(clientId) == null;
  }

  /** Null when {@code clientId} has the shape of a metadata document URL, else a short reason. */
  public static String problem(String clientId) {
    if (clientId == null || !clientId.startsWith("https://")) {
      return "is not an https URL";
    }
    if (clientId.length() > MAX_LENGTH) {
      return "is longer than " + MAX_LENGTH + " characters";
    }
    for (int i = 0; i < clientId.length(); i++) {
      char c = clientId.charAt(i);
      if (c <= 0x20 || c >= 0x7f) {
        return "contains whitespace, control or non-ASCII characters";
      }
    }
    if (clientId.indexOf('#') >= 0) {
      return "has a fragment";
    }
    URI url;
    try {
      url = new URI(clientId);
    } catch (URISyntaxException e) {
      return "is not a valid URL";
    }
    if (url.getRawUserInfo() != null) {
      return "has userinfo";
    }
    String hostProblem = hostProblem(url);
    if (hostProblem != null) {
      return hostProblem;
    }
    String path = url.getRawPath();
    if (path == null || path.isEmpty()) {
      return "has no path";
    }
    for (String segment : path.split("/", -1)) {
      if (isDotSegment(segment)) {
        return "has a dot segment in its path";
      }
    }
    return null;
  }

  private static String hostProblem(URI url) {
    String host = url.getHost();
    if (host == null) {
      return "has no valid host";
    }
    if (host.endsWith(".")) {
      return "has a host with a trailing dot";
    }
    if (url.getPort() > 65535) {
      return "has an invalid port";
    }
    try {
      IpLiterals.parse(host);
    } catch (IllegalArgumentException e) {
      return "has a numeric host in an ambiguous form";
    }
    return null;
  }

  /** "." and "..", also percent-encoded, which some servers decode before resolving the path. */
  private static boolean isDotSegment(String segment) {
    String decoded = segment.replace("%2e", ".").replace("%2E", ".");
    return decoded.equals(".") || decoded.equals("..");
  }
}
