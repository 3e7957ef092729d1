package io.mcpauth.core.authserver.clients;

import io.mcpauth.core.text.Ascii;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the members of one client metadata object, a registration request or a Client ID Metadata
 * Document, with the checks both share. A malformed member is refused with {@code error}, a bad
 * redirect URI with {@code redirectError}. A member whose value is JSON null counts as absent.
 */
final class MetadataReader {

  static final int MAX_REDIRECT_URIS = 20;
  static final int MAX_CLIENT_NAME = 200;
  static final int MAX_URI_LENGTH = 2048;
  static final int MAX_SCOPE_LENGTH = 2048;

  private final Map<String, Object> members;
  private final String error;
  private final String redirectError;

  MetadataReader(Map<String, Object> members, String error, String redirectError) {
    this.members = members;
    this.error = error;
    this.redirectError = redirectError;
  }

  boolean has(String name) {
    return members.get(name) != null;
  }

  ClientMetadataException refuse(String description) {
    return new ClientMetadataException(error, description);
  }

  String string(String name) throws ClientMetadataException {
    Object value = members.get(name);
    if (value != null && !(value instanceof String)) {
      throw refuse(name + " is not a string");
    }
    return (String) value;
  }

  /** The strings of a JSON array without duplicates, in their order; null when absent. */
  List<String> strings(String name) throws ClientMetadataException {
    Object value = members.get(name);
    if (value == null) {
      return null;
    }
    if (!(value instanceof List<?> items)) {
      throw refuse(name + " is not an array of strings");
    }
    Set<String> strings = new LinkedHashSet<>();
    for (Object item : items) {
      if (!(item instanceof String text)) {
        throw refuse(name + " is not an array of strings");
      }
      strings.add(text);
    }
    return List.copyOf(strings);
  }

  /**
   * redirect_uris, each acceptable to {@link RedirectUris#registrationProblem}; empty when absent.
   * A string instead of an array, or more than {@value #MAX_REDIRECT_URIS} entries, is malformed
   * metadata rather than a bad URI (AS-SEC-40).
   */
  List<String> redirectUris() throws ClientMetadataException {
    Object value = members.get("redirect_uris");
    if (value == null) {
      return List.of();
    }
    if (!(value instanceof List<?> items)) {
      throw refuse("redirect_uris is not an array of strings");
    }
    if (items.size() > MAX_REDIRECT_URIS) {
      throw refuse("redirect_uris has more than " + MAX_REDIRECT_URIS + " entries");
    }
    Set<String> uris = new LinkedHashSet<>();
    for (int i = 0; i < items.size(); i++) {
      if (!(items.get(i) instanceof String uri)) {
        throw new ClientMetadataException(redirectError, "redirect_uris[" + i + "] is not a string");
      }
      String problem = RedirectUris.registrationProblem(uri);
      if (problem != null) {
        throw new ClientMetadataException(redirectError, "redirect_uris[" + i + "] " + problem);
      }
      uris.add(uri);
    }
    return List.copyOf(uris);
  }

  /**
   * client_name as unverified display text (AS-D4): control characters become spaces and it is cut
   * to {@value #MAX_CLIENT_NAME} code points. It is not HTML-escaped here: every page that shows it
   * escapes it (AS-SEC-20). Null when absent or blank.
   */
  String clientName() throws ClientMetadataException {
    String name = string("client_name");
    if (name == null) {
      return null;
    }
    StringBuilder cleaned = new StringBuilder(Math.min(name.length(), MAX_CLIENT_NAME * 2));
    int codePoints = 0;
    for (int i = 0; i < name.length() && codePoints < MAX_CLIENT_NAME; codePoints++) {
      int c = name.codePointAt(i);
      cleaned.appendCodePoint(Character.isISOControl(c) ? ' ' : c);
      i += Character.charCount(c);
    }
    String text = cleaned.toString().strip();
    return text.isEmpty() ? null : text;
  }

  /** A link for the consent page (client_uri, logo_uri); null when absent. See {@link #webUriProblem}. */
  String webUri(String name) throws ClientMetadataException {
    String uri = string(name);
    if (uri == null) {
      return null;
    }
    String problem = webUriProblem(uri);
    if (problem != null) {
      throw refuse(name + " " + problem);
    }
    return uri;
  }

  /**
   * Null when {@code uri} may be shown as a link or image on the consent page: https only (no
   * {@code javascript:} or {@code data:}), no userinfo, and no loopback, private or other
   * special-use address as its host (AS-SEC-42). The server never fetches it, so a host name is
   * not resolved.
   */
  static String webUriProblem(String uri) {
    if (uri.length() > MAX_URI_LENGTH) {
      return "is longer than " + MAX_URI_LENGTH + " characters";
    }
    for (int i = 0; i < uri.length(); i++) {
      if (uri.charAt(i) <= 0x20 || uri.charAt(i) >= 0x7f) {
        return "contains whitespace, control or non-ASCII characters";
      }
    }
    URI parsed;
    try {
      parsed = new URI(uri);
    } catch (URISyntaxException e) {
      return "is not a valid URI";
    }
    if (parsed.getScheme() == null || !Ascii.equalsIgnoreCase(parsed.getScheme(), "https") || parsed.getHost() == null) {
      return "is not an https URL";
    }
    if (parsed.getRawUserInfo() != null) {
      return "has userinfo";
    }
    String host = Ascii.toLowerCase(parsed.getHost());
    if (host.endsWith(".")) {
      return "has a host with a trailing dot"; // localhost. and 127.0.0.1. would slip past the checks below
    }
    if (host.equals("localhost") || host.endsWith(".localhost")) {
      return "points at a loopback host";
    }
    InetAddress literal;
    try {
      literal = IpLiterals.parse(host);
    } catch (IllegalArgumentException e) {
      return "has a numeric host in an ambiguous form";
    }
    if (literal != null && AddressPolicy.PUBLIC_ONLY.refusal(literal) != null) {
      return "points at a private or special-use address";
    }
    return null;
  }

  /**
   * scope (RFC 6749 §3.3: scope-tokens of NQCHAR separated by single spaces). With
   * {@code offered} given, tokens the server does not offer are dropped rather than refused:
   * clients often ask for {@code openid} or {@code profile} by habit, and RFC 7591 §3.2.1 lets the
   * server register other values than requested; the response shows the client what it got. Null
   * when absent or when nothing is left, which lets the client ask for any scope on offer.
   */
  String scope(Set<String> offered) throws ClientMetadataException {
    String scope = string("scope");
    if (scope == null) {
      return null;
    }
    if (scope.length() > MAX_SCOPE_LENGTH) {
      throw refuse("scope is longer than " + MAX_SCOPE_LENGTH + " characters");
    }
    Set<String> kept = new LinkedHashSet<>();
    for (String token : scope.split(" ", -1)) {
      if (!isScopeToken(token)) {
        throw refuse("scope is not a space-separated list of scope tokens");
      }
      if (offered == null || offered.contains(token)) {
        kept.add(token);
      }
    }
    return kept.isEmpty() ? null : String.join(" ", kept);
  }

  /**
   * application_type (AS-D3): native for loopback or private-use-scheme redirects, web for https.
   * When absent it is inferred from the redirect URIs, because most MCP clients are native apps
   * that omit it. A web client may still use loopback http (a web app under development), but
   * never a private-use scheme, which only an installed app can receive.
   */
  String applicationType(List<String> redirectUris) throws ClientMetadataException {
    String declared = string("application_type");
    if (declared == null) {
      boolean nativeRedirect = redirectUris.stream()
          .anyMatch(uri -> RedirectUris.isPrivateUseScheme(uri) || RedirectUris.isLoopback(uri));
      return nativeRedirect ? "native" : "web";
    }
    if (!declared.equals("native") && !declared.equals("web")) {
      throw refuse("application_type is neither native nor web");
    }
    if (declared.equals("web")) {
      for (int i = 0; i < redirectUris.size(); i++) {
        if (RedirectUris.isPrivateUseScheme(redirectUris.get(i))) {
          throw new ClientMetadataException(redirectError,
              "redirect_uris[" + i + "] uses a private-use scheme, which needs application_type native");
        }
      }
    }
    return declared;
  }

  private static boolean isScopeToken(String token) {
    if (token.isEmpty()) {
      return false;
    }
    for (int i = 0; i < token.length(); i++) {
      char c = token.charAt(i);
      if (c < 0x21 || c == '"' || c == '\\' || c > 0x7e) {
        return false;
      }
    }
    return true;
  }
}
