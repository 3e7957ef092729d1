package io.mcpauth.core.text;

/**
 * Character classes and case as the protocols define them: US-ASCII only. The JDK's own calls
 * are Unicode-aware ({@code Character.digit} reads '１' and '٣', {@code equalsIgnoreCase} folds
 * 'ſ' to 's' and the Kelvin sign to 'k', {@code Long.parseLong} takes '+', {@code strip} drops
 * U+3000), so a value they accept can mean something else to the next reader of the same bytes.
 */
public final class Ascii {

  private Ascii() {
  }

  public static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  /** The value of a hexadecimal digit of either case, or -1. */
  public static int hexValue(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    return -1;
  }

  /** Space, tab, line feed, vertical tab, form feed, carriage return: the set of regex {@code \s}. */
  public static boolean isWhitespace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == 0x0B || c == '\f' || c == '\r';
  }

  /** {@code value} without leading and trailing {@link #isWhitespace} characters. */
  public static String trim(String value) {
    int start = 0;
    int end = value.length();
    while (start < end && isWhitespace(value.charAt(start))) {
      start++;
    }
    while (end > start && isWhitespace(value.charAt(end - 1))) {
      end--;
    }
    return value.substring(start, end);
  }

  /** Whether {@code value} is empty or only {@link #isWhitespace} characters. */
  public static boolean isBlank(String value) {
    return trim(value).isEmpty();
  }

  /** {@code value} with A-Z lowered; every other character, non-ASCII ones included, kept. */
  public static String toLowerCase(String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c >= 'A' && c <= 'Z') {
        char[] chars = value.toCharArray();
        for (int j = i; j < chars.length; j++) {
          chars[j] = toLower(chars[j]);
        }
        return new String(chars);
      }
    }
    return value;
  }

  /** {@code value} with a-z raised; every other character, non-ASCII ones included, kept. */
  public static String toUpperCase(String value) {
    char[] chars = value.toCharArray();
    for (int i = 0; i < chars.length; i++) {
      if (chars[i] >= 'a' && chars[i] <= 'z') {
        chars[i] = (char) (chars[i] - ('a' - 'A'));
      }
    }
    return new String(chars);
  }

  public static char toLower(char c) {
    return c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c;
  }

  /** Equal when only the case of A-Z differs. */
  public static boolean equalsIgnoreCase(String a, String b) {
    return a.length() == b.length() && regionEqualsIgnoreCase(a, 0, b);
  }

  /** Whether {@code value} starts with {@code prefix}, only the case of A-Z differing. */
  public static boolean startsWithIgnoreCase(String value, String prefix) {
    return value.length() >= prefix.length() && regionEqualsIgnoreCase(value, 0, prefix);
  }

  private static boolean regionEqualsIgnoreCase(String value, int offset, String other) {
    for (int i = 0; i < other.length(); i++) {
      if (toLower(value.charAt(offset + i)) != toLower(other.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  /**
   * {@code digits} read as a decimal number of 1 to {@code maxDigits} (at most 18) ASCII digits,
   * no sign, or -1 for anything else.
   */
  public static long parseDecimal(String digits, int maxDigits) {
    if (maxDigits < 1 || maxDigits > 18) {
      throw new IllegalArgumentException("maxDigits must lie between 1 and 18");
    }
    if (digits.isEmpty() || digits.length() > maxDigits) {
      return -1;
    }
    long value = 0;
    for (int i = 0; i < digits.length(); i++) {
      char c = digits.charAt(i);
      if (!isDigit(c)) {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }
}
