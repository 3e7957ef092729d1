package io.mcpauth.core.keys;

import io.mcpauth.core.json.StrictJson;
import java.io.IOException;
import java.net.URI;
import java.util.Map;

/**
 * Finds the issuer's {@code jwks_uri}: RFC 8414 metadata at the path-inserted well-known URL
 * first, then OpenID discovery. The metadata's {@code issuer} must equal the configured issuer
 * exactly (RFC 8414 §3.3), or the document is refused: it would be a mix-up.
 */
public final class IssuerMetadata {

  private IssuerMetadata() {}

  public static URI discoverJwksUri(URI issuer, HttpFetcher fetcher) throws IOException {
    IOException first;
    try {
      return jwksUriFrom(fetcher.get(oauthMetadataUrl(issuer)), issuer);
    } catch (IOException e) {
      first = e;
    }
    try {
      return jwksUriFrom(fetcher.get(openIdConfigurationUrl(issuer)), issuer);
    } catch (IOException e) {
      e.addSuppressed(first);
      throw new IOException("no usable metadata for issuer " + issuer + ": " + first.getMessage()
          + "; OpenID discovery: " + e.getMessage(), e);
    }
  }

  /** RFC 8414 §3.1: the well-known segment goes between the host and the issuer's path. */
  static URI oauthMetadataUrl(URI issuer) {
    return URI.create(origin(issuer) + "/.well-known/oauth-authorization-server" + trimmedPath(issuer));
  }

  /** OpenID Connect Discovery §4: appended to the issuer. */
  static URI openIdConfigurationUrl(URI issuer) {
    return URI.create(origin(issuer) + trimmedPath(issuer) + "/.well-known/openid-configuration");
  }

  static URI jwksUriFrom(String json, URI issuer) throws IOException {
    Map<String, Object> metadata;
    try {
      metadata = StrictJson.parseObject(json, "metadata");
    } catch (StrictJson.MalformedJsonException e) {
      throw new IOException("metadata is not a JSON object");
    }
    if (!issuer.toString().equals(metadata.get("issuer"))) {
      throw new IOException("metadata issuer does not equal " + issuer);
    }
    if (!(metadata.get("jwks_uri") instanceof String jwks)) {
      throw new IOException("metadata has no jwks_uri");
    }
    URI uri;
    try {
      uri = URI.create(jwks);
    } catch (IllegalArgumentException e) {
      throw new IOException("metadata jwks_uri is not a URI");
    }
    if (!"https".equals(uri.getScheme()) && !("http".equals(uri.getScheme()) && "http".equals(issuer.getScheme()))) {
      throw new IOException("metadata jwks_uri must use https");
    }
    if (uri.getHost() == null) {
      // "https:jwks" or "https://a_b/": a URI, but no URL the keys could be fetched from
      throw new IOException("metadata jwks_uri has no host");
    }
    return uri;
  }

  private static String origin(URI uri) {
    return uri.getScheme() + "://" + uri.getRawAuthority();
  }

  private static String trimmedPath(URI uri) {
    String path = uri.getRawPath() == null ? "" : uri.getRawPath();
    return path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
  }
}
