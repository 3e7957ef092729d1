package io.mcpauth.core.audit;

/**
 * The trace id of a W3C Trace Context {@code traceparent} header, checked strictly: anything that
 * is not {@code VERSION-TRACEID-PARENTID-FLAGS} in lower-case hex, with non-zero ids and a version
 * other than {@code ff}, is ignored.
 */
public final class TraceParent {

  private static final int LENGTH = 55;

  private TraceParent() {}

  /** The 32-hex-digit trace id, or null when the header is absent, repeated or not valid. */
  public static String traceId(String header) {
    if (header == null || header.length() < LENGTH) {
      return null;
    }
    boolean version00 = header.charAt(0) == '0' && header.charAt(1) == '0';
    // A later version may append fields after a dash; version 00 has exactly four.
    if (version00 ? header.length() != LENGTH : header.length() > LENGTH && header.charAt(LENGTH) != '-') {
      return null;
    }
    if (!hex(header, 0, 2) || header.startsWith("ff") || header.charAt(2) != '-' || !hex(header, 3, 35)
        || header.charAt(35) != '-' || !hex(header, 36, 52) || header.charAt(52) != '-' || !hex(header, 53, 55)) {
      return null;
    }
    if (zeros(header, 3, 35) || zeros(header, 36, 52)) {
      return null;
    }
    return header.substring(3, 35);
  }

  private static boolean hex(String text, int from, int to) {
    for (int i = from; i < to; i++) {
      char c = text.charAt(i);
      if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
        return false;
      }
    }
    return true;
  }

  private static boolean zeros(String text, int from, int to) {
    for (int i = from; i < to; i++) {
      if (text.charAt(i) != '0') {
        return false;
      }
    }
    return true;
  }
}
