package io.mcpauth.core.rpc;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** RS-18, vector J18: only the allowed origins, compared as RFC 6454 tuples. */
class OriginCheckTest {

  private final OriginCheck check = new OriginCheck(List.of("https://mcp.example.com/mcp", "http://localhost:6274"));

  @Test
  @DisplayName("the allowed origins pass in any spelling of the same tuple; a request without Origin passes")
  void allowed() {
    assertTrue(check.allows(null));
    assertTrue(check.allows("https://mcp.example.com"));
    assertTrue(check.allows("HTTPS://MCP.Example.COM:443"));
    assertTrue(check.allows("http://localhost:6274"));
  }

  @Test
  @DisplayName("J18: foreign, look-alike, opaque and malformed origins are refused")
  void refused() {
    for (String origin : new String[] {"https://evil.example", "http://mcp.example.com", "https://mcp.example.com:8443",
        "https://mcp.example.com.evil.example", "https://evil.example#https://mcp.example.com", "null", "", " ",
        "https://mcp.example.com/mcp", "https://user@mcp.example.com", "file://", "mcp.example.com", "http://localhost:6275",
        "http://127.0.0.1:6274", "https://mcp.example.com?x"}) {
      assertFalse(check.allows(origin), origin);
    }
  }

  @Test
  @DisplayName("a loopback server allows every loopback origin (a local inspector), never a rebound foreign page")
  void anyLoopback() {
    OriginCheck loopback = new OriginCheck(List.of("http://127.0.0.1:8080/mcp"), true);
    for (String origin : new String[] {"http://localhost:6274", "http://127.0.0.1:3000", "http://[::1]:8080",
        "https://LOCALHOST", "http://127.0.0.1:8080"}) {
      assertTrue(loopback.allows(origin), origin);
    }
    for (String origin : new String[] {"http://evil.example:8080", "http://localhost.evil.example", "http://127.0.0.2",
        "http://0.0.0.0:8080", "null", "http://localhost@evil.example"}) {
      assertFalse(loopback.allows(origin), origin);
    }
    assertFalse(check.allows("http://127.0.0.1:3000"), "not without the flag");
  }

  @Test
  void allowListMustHoldOrigins() {
    assertThrows(IllegalArgumentException.class, () -> new OriginCheck(List.of("mcp.example.com")));
    assertThrows(IllegalArgumentException.class, () -> new OriginCheck(List.of("ftp://mcp.example.com")));
  }

  @Test
  @DisplayName("loopback names compare in ASCII case only: 'localho\u017Ft' (long s) is not localhost")
  void loopbackNamesAreAscii() {
    assertTrue(OriginCheck.isLoopbackHost("LocalHost"));
    assertFalse(OriginCheck.isLoopbackHost("localho\u017Ft"));
    assertFalse(OriginCheck.isLoopbackHost("loc\u0131lhost"));
  }
}
