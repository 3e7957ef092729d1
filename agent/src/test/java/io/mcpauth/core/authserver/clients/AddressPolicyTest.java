package io.mcpauth.core.authserver.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.Inet6Address;
import java.net.InetAddress;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** AS-C8 / AS-SEC-45: the SSRF address classifier (RFC 6890 special-use ranges), without any connection. */
class AddressPolicyTest {

  private static InetAddress address(String literal) {
    return IpLiterals.parse(literal.contains(":") ? "[" + literal + "]" : literal);
  }

  @DisplayName("refused: special-use addresses; allowPrivate opens only loopback, private and link-local")
  @ParameterizedTest(name = "{0} ({1}) -> with allowPrivate: {2}")
  @CsvSource({
      "0.0.0.0, this network, false",
      "0.1.2.3, this network, false",
      "10.0.0.5, private, true",
      "100.64.0.1, shared address space, true",
      "100.127.255.255, shared address space, true",
      "127.0.0.1, loopback, true",
      "127.255.255.254, loopback, true",
      "169.254.169.254, link-local, true",
      "172.16.0.5, private, true",
      "172.31.255.255, private, true",
      "192.0.0.8, IETF protocol assignments, false",
      "192.0.2.1, documentation, false",
      "192.88.99.1, 6to4 relay anycast, false",
      "192.168.1.5, private, true",
      "198.18.0.1, benchmarking, false",
      "198.19.255.255, benchmarking, false",
      "198.51.100.7, documentation, false",
      "203.0.113.9, documentation, false",
      "224.0.0.1, multicast, false",
      "239.255.255.250, multicast, false",
      "240.0.0.1, reserved, false",
      "255.255.255.255, broadcast, false",
      "::, unspecified, false",
      "::1, loopback, true",
      "fe80::1, link-local, true",
      "febf::1, link-local, true",
      "fc00::1, unique local, true",
      "fd00::1, unique local, true",
      "fec0::1, not global unicast, false",
      "ff02::1, not global unicast, false",
      "100::1, not global unicast, false",
      "5f00::1, not global unicast, false",
      "::ffff:127.0.0.1, loopback, true",
      "::ffff:7f00:1, loopback, true",
      "::ffff:10.0.0.1, private, true",
      "::ffff:169.254.169.254, link-local, true",
      "::127.0.0.1, IPv4-compatible, false",
      "::8.8.8.8, IPv4-compatible, false",
      "64:ff9b::7f00:1, IPv6 carrying IPv4 loopback, true",
      "64:ff9b::a9fe:a9fe, IPv6 carrying IPv4 link-local, true",
      "2002:7f00:1::, IPv6 carrying IPv4 loopback, true",
      "2002:c0a8:105::1, IPv6 carrying IPv4 private, true",
      "2001:db8::1, documentation, false",
      "2001::1, Teredo, false",
      "2001:0:4136:e378:8000:63bf:3fff:fdd2, Teredo, false",
      "3fff::1, documentation, false",
  })
  void refused(String literal, String range, boolean allowedForTests) {
    InetAddress address = address(literal);
    String refusal = AddressPolicy.PUBLIC_ONLY.refusal(address);
    assertEquals(true, refusal != null && refusal.contains(range), literal + " -> " + refusal);
    assertEquals(allowedForTests, new AddressPolicy(true).permits(address), literal);
  }

  @DisplayName("allowed: globally reachable unicast, also through NAT64 and 6to4")
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"93.184.216.34", "8.8.8.8", "1.1.1.1", "100.63.255.255", "100.128.0.0", "172.15.255.255", "172.32.0.0",
      "192.0.1.1", "198.17.255.255", "198.20.0.0", "223.255.255.255", "2606:2800:220:1:248:1893:25c8:1946", "2001:4860:4860::8888",
      "::ffff:93.184.216.34", "64:ff9b::5db8:d822", "2002:5db8:d822::1"})
  void allowed(String literal) {
    assertNull(AddressPolicy.PUBLIC_ONLY.refusal(address(literal)), literal);
  }

  @DisplayName("an IPv4-mapped address kept as Inet6Address is judged by its IPv4 address")
  @Test
  void mappedInet6Address() throws Exception {
    byte[] mapped = new byte[16];
    mapped[10] = (byte) 0xff;
    mapped[11] = (byte) 0xff;
    mapped[12] = 127;
    mapped[15] = 1;
    InetAddress address = Inet6Address.getByAddress("x", mapped, null);
    assertEquals(16, address.getAddress().length);
    assertEquals(false, AddressPolicy.PUBLIC_ONLY.permits(address));
  }

  @DisplayName("S09-S12: numeric hosts other than dotted-quad decimal are refused, never guessed at")
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"127.1", "2130706433", "0x7f000001", "0177.0.0.1", "127.0.0.01", "127.0.0.256", "1.2.3.4.5", "a.0x10", "a.1",
      "[fe80::1%25eth0]", "[v1.x]"})
  void ambiguousNumericHosts(String host) {
    assertThrows(IllegalArgumentException.class, () -> IpLiterals.parse(host));
  }

  @Test
  void namesAreNotLiterals() {
    assertNull(IpLiterals.parse("client.example.com"));
    assertNull(IpLiterals.parse("localhost"));
    assertNull(IpLiterals.parse("1.example"));
    assertNull(IpLiterals.parse("a.b0"));
  }
}
