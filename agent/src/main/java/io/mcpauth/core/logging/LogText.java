package io.mcpauth.core.logging;

/**
 * Text that came from outside (a request, a client registration, a setting) made safe for one log
 * line or error message: no control characters, at most 200 characters, "-" for null.
 */
public final class LogText {

  private static final int MAX_LENGTH = 200;

  private LogText() {}

  public static String printable(String text) {
    if (text == null) {
      return "-";
    }
    StringBuilder out = new StringBuilder(Math.min(text.length(), MAX_LENGTH));
    for (int i = 0; i < text.length() && i < MAX_LENGTH; i++) {
      char c = text.charAt(i);
      out.append(c < 0x20 || c == 0x7f ? '?' : c);
    }
    return out.toString();
  }
}
