package io.mcpauth.core.authserver.clients;

import io.mcpauth.core.text.Ascii;
import java.net.InetAddress;
import java.net.UnknownHostException;

/** URL hosts that are IP addresses, read without DNS. */
final class IpLiterals {

  private IpLiterals() {}

  /**
   * The address {@code host} (as {@link java.net.URI#getHost()} gives it) denotes literally, or
   * null when it is a name to resolve.
   *
   * @throws IllegalArgumentException for a numeric host other than an IPv6 literal or a
   *     dotted-quad decimal: {@code 127.1}, {@code 2130706433}, {@code 0x7f000001},
   *     {@code 0177.0.0.1} (S09-S12). Resolvers disagree on these (the JDK reads {@code 0177} as
   *     decimal, inet_aton and browsers as octal), so no checked address could be trusted to be
   *     the one connected to. A host whose last label is a number is an IPv4 address to a WHATWG
   *     URL parser, hence the test on the last label.
   */
  static InetAddress parse(String host) {
    if (host.startsWith("[")) {
      return ipv6(host);
    }
    int lastDot = host.lastIndexOf('.');
    String lastLabel = host.substring(lastDot + 1);
    if (!isNumber(lastLabel)) {
      return null;
    }
    String[] parts = host.split("\\.", -1);
    if (parts.length != 4) {
      throw new IllegalArgumentException("not a dotted-quad address");
    }
    byte[] address = new byte[4];
    for (int i = 0; i < 4; i++) {
      address[i] = (byte) decimalOctet(parts[i]);
    }
    try {
      return InetAddress.getByAddress(address);
    } catch (UnknownHostException impossible) {
      throw new IllegalStateException(impossible);
    }
  }

  private static InetAddress ipv6(String bracketed) {
    String literal = bracketed.substring(1, bracketed.length() - 1);
    if (!literal.contains(":") || literal.contains("%")) {
      throw new IllegalArgumentException("not an IPv6 literal without zone");
    }
    try {
      // With a colon in it, the JDK parses the text as an address and never asks DNS.
      return InetAddress.getByName(literal);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("not an IPv6 literal", e);
    }
  }

  /** Decimal digits, or 0x and hex digits: what WHATWG URL parsing reads as an IPv4 number. */
  private static boolean isNumber(String label) {
    if (label.isEmpty()) {
      return false;
    }
    if (label.startsWith("0x") || label.startsWith("0X")) {
      for (int i = 2; i < label.length(); i++) {
        if (Ascii.hexValue(label.charAt(i)) < 0) {
          return false;
        }
      }
      return true;
    }
    for (int i = 0; i < label.length(); i++) {
      if (label.charAt(i) < '0' || label.charAt(i) > '9') {
        return false;
      }
    }
    return true;
  }

  private static int decimalOctet(String part) {
    boolean canonical = !part.isEmpty() && part.length() <= 3 && (part.length() == 1 || part.charAt(0) != '0')
        && part.chars().allMatch(c -> c >= '0' && c <= '9');
    if (!canonical || Integer.parseInt(part) > 255) {
      throw new IllegalArgumentException("not a dotted-quad address");
    }
    return Integer.parseInt(part);
  }
}
