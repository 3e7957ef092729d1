package io.mcpauth.core.authserver.clients;

import java.net.InetAddress;
import java.util.Arrays;
import java.util.List;

/**
 * Which addresses the authorization server may open a connection to on a client's say-so (a Client
 * ID Metadata Document URL): globally reachable unicast only (AS-C8, AS-SEC-45). The special-use
 * ranges come from RFC 6890 and the IANA special-purpose registries; IPv4 addresses carried inside
 * IPv6 (mapped, NAT64, 6to4) are judged as the IPv4 address they lead to.
 */
public final class AddressPolicy {

  /** The production policy. */
  public static final AddressPolicy PUBLIC_ONLY = new AddressPolicy(false);

  /** A special-use range; {@code local} ranges are the ones {@code allowPrivate} opens for tests. */
  private record Range(byte[] prefix, int bits, String name, boolean local) {

    boolean contains(byte[] address) {
      if (address.length != prefix.length) {
        return false;
      }
      int wholeBytes = bits / 8;
      for (int i = 0; i < wholeBytes; i++) {
        if (address[i] != prefix[i]) {
          return false;
        }
      }
      int rest = bits % 8;
      if (rest == 0) {
        return true;
      }
      int mask = (0xff << (8 - rest)) & 0xff;
      return (address[wholeBytes] & mask) == (prefix[wholeBytes] & mask);
    }
  }

  private static final List<Range> IPV4 = List.of(
      v4("0.0.0.0", 8, "this network (0.0.0.0/8)", false),
      v4("10.0.0.0", 8, "private (10.0.0.0/8)", true),
      v4("100.64.0.0", 10, "shared address space (100.64.0.0/10)", true),
      v4("127.0.0.0", 8, "loopback (127.0.0.0/8)", true),
      v4("169.254.0.0", 16, "link-local (169.254.0.0/16)", true),
      v4("172.16.0.0", 12, "private (172.16.0.0/12)", true),
      v4("192.0.0.0", 24, "IETF protocol assignments (192.0.0.0/24)", false),
      v4("192.0.2.0", 24, "documentation (192.0.2.0/24)", false),
      v4("192.88.99.0", 24, "6to4 relay anycast (192.88.99.0/24)", false),
      v4("192.168.0.0", 16, "private (192.168.0.0/16)", true),
      v4("198.18.0.0", 15, "benchmarking (198.18.0.0/15)", false),
      v4("198.51.100.0", 24, "documentation (198.51.100.0/24)", false),
      v4("203.0.113.0", 24, "documentation (203.0.113.0/24)", false),
      v4("224.0.0.0", 4, "multicast (224.0.0.0/4)", false),
      v4("240.0.0.0", 4, "reserved and broadcast (240.0.0.0/4)", false));

  // Only 2000::/3 is global unicast; everything outside it (::, ::1, fc00::/7, fe80::/10, fec0::/10,
  // ff00::/8, 100::/64, ...) is refused wholesale after the embedded-IPv4 forms have been judged.
  private static final Range GLOBAL_UNICAST = v6("2000::", 3, "global unicast", false);
  private static final Range IPV6_LOOPBACK = v6("::1", 128, "loopback (::1)", true);
  private static final Range UNIQUE_LOCAL = v6("fc00::", 7, "unique local (fc00::/7)", true);
  private static final Range IPV6_LINK_LOCAL = v6("fe80::", 10, "link-local (fe80::/10)", true);
  private static final Range UNSPECIFIED = v6("::", 128, "unspecified (::)", false);
  private static final Range IPV4_MAPPED = v6("::ffff:0:0", 96, "IPv4-mapped", false);
  private static final Range IPV4_COMPATIBLE = v6("::", 96, "IPv4-compatible IPv6 (::/96, deprecated)", false);
  private static final Range NAT64 = v6("64:ff9b::", 96, "NAT64", false);
  private static final Range SIX_TO_FOUR = v6("2002::", 16, "6to4", false);
  private static final List<Range> IPV6_IN_GLOBAL_UNICAST = List.of(
      v6("2001:db8::", 32, "documentation (2001:db8::/32)", false),
      v6("2001::", 23, "IETF protocol assignments incl. Teredo (2001::/23)", false),
      v6("3fff::", 20, "documentation (3fff::/20)", false));

  private final boolean allowPrivate;

  /** {@code allowPrivate} also permits loopback, private and link-local addresses: for tests only. */
  public AddressPolicy(boolean allowPrivate) {
    this.allowPrivate = allowPrivate;
  }

  public boolean permits(InetAddress address) {
    return refusal(address) == null;
  }

  /** Null when a connection to {@code address} is allowed, else the special-use range it falls in. */
  public String refusal(InetAddress address) {
    byte[] bytes = address.getAddress();
    return bytes.length == 4 ? ipv4Refusal(bytes) : ipv6Refusal(bytes);
  }

  private String ipv4Refusal(byte[] address) {
    for (Range range : IPV4) {
      if (range.contains(address)) {
        return allowPrivate && range.local() ? null : range.name();
      }
    }
    return null;
  }

  private String ipv6Refusal(byte[] address) {
    if (IPV4_MAPPED.contains(address) || NAT64.contains(address)) {
      return embedded(address, 12);
    }
    if (SIX_TO_FOUR.contains(address)) {
      return embedded(address, 2);
    }
    for (Range local : List.of(IPV6_LOOPBACK, UNIQUE_LOCAL, IPV6_LINK_LOCAL)) {
      if (local.contains(address)) {
        return allowPrivate ? null : local.name();
      }
    }
    if (UNSPECIFIED.contains(address)) {
      return UNSPECIFIED.name();
    }
    if (IPV4_COMPATIBLE.contains(address)) {
      return IPV4_COMPATIBLE.name();
    }
    if (!GLOBAL_UNICAST.contains(address)) {
      return "not global unicast (outside 2000::/3)";
    }
    for (Range range : IPV6_IN_GLOBAL_UNICAST) {
      if (range.contains(address)) {
        return range.name();
      }
    }
    return null;
  }

  private String embedded(byte[] address, int offset) {
    String refusal = ipv4Refusal(Arrays.copyOfRange(address, offset, offset + 4));
    return refusal == null ? null : "IPv6 carrying IPv4 " + refusal;
  }

  private static Range v4(String prefix, int bits, String name, boolean local) {
    return new Range(literal(prefix), bits, name, local);
  }

  private static Range v6(String prefix, int bits, String name, boolean local) {
    byte[] bytes = literal(prefix);
    if (bytes.length == 4) {
      // The JDK turns ::ffff:a.b.c.d into an Inet4Address; the range needs the 16-byte form.
      bytes = mapped(bytes);
    }
    return new Range(bytes, bits, name, local);
  }

  private static byte[] mapped(byte[] ipv4) {
    byte[] bytes = new byte[16];
    bytes[10] = (byte) 0xff;
    bytes[11] = (byte) 0xff;
    System.arraycopy(ipv4, 0, bytes, 12, 4);
    return bytes;
  }

  private static byte[] literal(String address) {
    InetAddress parsed = address.contains(":") ? IpLiterals.parse("[" + address + "]") : IpLiterals.parse(address);
    return parsed.getAddress();
  }
}
