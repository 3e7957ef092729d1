package io.mcpauth.core.authserver;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * A client address as the sign-in limits count it: an IPv4 address as it is, an IPv6 address by
 * its /64. One IPv6 host is normally handed a whole /64 (RFC 4291 §2.5.1, SLAAC), so counting the
 * exact address would let it rotate through 2^64 of them.
 */
final class AddressKey {

  private AddressKey() {}

  /** @param address the textual address of {@link Exchange#clientAddress()} */
  static String of(String address) {
    if (address == null || address.indexOf(':') < 0) {
      return address;
    }
    byte[] bytes;
    try {
      // A literal (it contains ':'), so no name is looked up.
      InetAddress parsed = InetAddress.getByName(address);
      if (!(parsed instanceof Inet6Address)) {
        return parsed.getHostAddress();
      }
      bytes = parsed.getAddress();
    } catch (UnknownHostException e) {
      return address;
    }
    StringBuilder key = new StringBuilder();
    for (int i = 0; i < 8; i += 2) {
      key.append(Integer.toHexString(((bytes[i] & 0xff) << 8) | (bytes[i + 1] & 0xff))).append(':');
    }
    return key.append(":/64").toString();
  }
}
