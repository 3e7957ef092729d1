package io.mcpauth.core.authserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class AddressKeyTest {

  @Test
  @DisplayName("IPv4 counts by the address; IPv6 by its /64, however it is spelled")
  void keys() {
    assertEquals("192.0.2.7", AddressKey.of("192.0.2.7"));
    assertNotEquals(AddressKey.of("192.0.2.7"), AddressKey.of("192.0.2.8"));
    assertEquals(AddressKey.of("2001:db8:1:2::1"), AddressKey.of("2001:db8:1:2:ffff:eeee:dddd:cccc"));
    assertEquals(AddressKey.of("2001:db8:1:2::1"), AddressKey.of("2001:0db8:0001:0002:0:0:0:1"));
    assertNotEquals(AddressKey.of("2001:db8:1:2::1"), AddressKey.of("2001:db8:1:3::1"));
    assertEquals(AddressKey.of("0:0:0:0:0:0:0:1"), AddressKey.of("::1"));
  }
}
