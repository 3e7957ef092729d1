package io.mcpauth.core.gate;

import io.mcpauth.core.text.Ascii;
import java.util.Enumeration;

/**
 * The bearer token of a request, read only from the {@code Authorization} header (RFC 6750 §2.1;
 * a token in the query or a form body is never looked at: OAuth 2.1 §5.1, MCP Token Requirements).
 * Vectors H01-H24 in {@code bearer-header-vectors.json} fix the outcomes.
 */
record BearerCredentials(Kind kind, String token) {

  enum Kind {
    /** No header, or another scheme (Basic, DPoP): a challenge without an error code. */
    NONE,
    /** Not a well-formed single credential: 400 invalid_request. */
    MALFORMED_REQUEST,
    /** A bearer credential that is not token68 text: 401 invalid_token. */
    MALFORMED_TOKEN,
    TOKEN
  }

  private static final BearerCredentials NONE = new BearerCredentials(Kind.NONE, null);
  static final BearerCredentials MALFORMED_REQUEST = new BearerCredentials(Kind.MALFORMED_REQUEST, null);
  private static final BearerCredentials MALFORMED_TOKEN = new BearerCredentials(Kind.MALFORMED_TOKEN, null);

  static BearerCredentials parse(Enumeration<String> fields) {
    if (fields == null || !fields.hasMoreElements()) {
      return NONE;
    }
    String value = fields.nextElement();
    if (fields.hasMoreElements()) {
      return MALFORMED_REQUEST; // Authorization is a singleton field (RFC 9110 §5.3)
    }
    return parse(value);
  }

  static BearerCredentials parse(String value) {
    if (value == null || !Ascii.startsWithIgnoreCase(value, "Bearer")) {
      return NONE;
    }
    if (value.length() == 6) {
      return MALFORMED_REQUEST;
    }
    if (value.charAt(6) != ' ') {
      // "Bearer\t…" is malformed; "Bearerx…" is some other scheme.
      return value.charAt(6) == '\t' ? MALFORMED_REQUEST : NONE;
    }
    int start = 7;
    while (start < value.length() && value.charAt(start) == ' ') {
      start++;
    }
    int end = value.length();
    while (end > start && (value.charAt(end - 1) == ' ' || value.charAt(end - 1) == '\t')) {
      end--;
    }
    if (start == end) {
      return MALFORMED_REQUEST;
    }
    // One pass over the token (this runs on every request): a separator anywhere means a second
    // token or credential, which outranks any other stray character.
    int seen = 0;
    for (int i = start; i < end; i++) {
      char c = value.charAt(i);
      seen |= c < 128 ? CLASSES[c] : OTHER;
    }
    if ((seen & SEPARATOR) != 0) {
      return MALFORMED_REQUEST;
    }
    if ((seen & OTHER) != 0) {
      return MALFORMED_TOKEN;
    }
    return new BearerCredentials(Kind.TOKEN, value.substring(start, end));
  }

  private static final byte SEPARATOR = 1;
  private static final byte OTHER = 2;
  /** Per ASCII char: 0 for RFC 6750 §2.1 b64token (ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" / "="). */
  private static final byte[] CLASSES = classes();

  private static byte[] classes() {
    byte[] classes = new byte[128];
    java.util.Arrays.fill(classes, OTHER);
    String token68 = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~+/=";
    for (int i = 0; i < token68.length(); i++) {
      classes[token68.charAt(i)] = 0;
    }
    classes[' '] = SEPARATOR;
    classes['\t'] = SEPARATOR;
    classes[','] = SEPARATOR;
    return classes;
  }
}
