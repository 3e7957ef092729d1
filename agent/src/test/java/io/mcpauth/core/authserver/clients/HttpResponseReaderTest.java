package io.mcpauth.core.authserver.clients;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcpauth.core.authserver.clients.HttpResponseReader.BadResponseException;
import io.mcpauth.core.authserver.clients.HttpResponseReader.Head;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** HTTP/1.1 response framing for the metadata document fetch (RFC 9112), on bytes in memory. */
class HttpResponseReaderTest {

  private static byte[] body(String raw, int maxBytes) throws IOException {
    HttpResponseReader reader = new HttpResponseReader(new ByteArrayInputStream(raw.getBytes(StandardCharsets.ISO_8859_1)));
    Head head = reader.head();
    assertEquals(200, head.status());
    return reader.body(head, maxBytes);
  }

  private static String text(String raw, int maxBytes) throws IOException {
    return new String(body(raw, maxBytes), StandardCharsets.ISO_8859_1);
  }

  @Test
  void headFields() throws IOException {
    HttpResponseReader reader = new HttpResponseReader(new ByteArrayInputStream(
        "HTTP/1.0 404 Not Found\r\nCache-Control: public\r\ncache-control:  max-age=60 \r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
    Head head = reader.head();
    assertEquals(404, head.status());
    assertEquals("public, max-age=60", head.field("cache-control"));
  }

  @DisplayName("framing: Content-Length (also a list of one value), chunked with extensions and trailers, close-delimited, bare LF")
  @Test
  void framing() throws IOException {
    assertEquals("{}", text("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}extra", 100));
    assertEquals("{}", text("HTTP/1.1 200 OK\r\nContent-Length: 2, 2\r\n\r\n{}", 100));
    assertEquals("{\"a\":1}", text("HTTP/1.1 200 OK\r\nTransfer-Encoding: Chunked\r\n\r\n3;x=y\r\n{\"a\r\n4\r\n\":1}\r\n0\r\nT: 1\r\n\r\n", 100));
    assertEquals("{}", text("HTTP/1.1 200 OK\r\n\r\n{}", 100));
    assertEquals("{}", text("HTTP/1.1 200 OK\nContent-Length: 2\n\n{}", 100));
    assertEquals("", text("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 100));
    assertEquals("{}", text("HTTP/1.1 200\r\nContent-Length: 2\r\n\r\n{}", 100), "a missing reason phrase is tolerated");
    assertEquals("x".repeat(100), text("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n" + "x".repeat(100), 100), "the cap is inclusive");
  }

  @DisplayName("a chunked body of many tiny chunks is within limits: chunk lines do not count as head")
  @Test
  void manyTinyChunks() throws IOException {
    StringBuilder raw = new StringBuilder("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
    for (int i = 0; i < 16384; i++) {
      raw.append("1\r\nx\r\n");
    }
    raw.append("0\r\n\r\n");
    assertEquals(16384, body(raw.toString(), 16384).length);
  }

  @DisplayName("over the cap: declared, chunked (in total) and close-delimited")
  @Test
  void cap() {
    assertThrows(BadResponseException.class, () -> body("HTTP/1.1 200 OK\r\nContent-Length: 101\r\n\r\n" + "x".repeat(101), 100));
    assertThrows(BadResponseException.class, () -> body("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        + "32\r\n" + "x".repeat(50) + "\r\n33\r\n" + "x".repeat(51) + "\r\n0\r\n\r\n", 100));
    assertThrows(BadResponseException.class, () -> body("HTTP/1.1 200 OK\r\n\r\n" + "x".repeat(101), 100));
  }

  @DisplayName("malformed heads and bodies are refused")
  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {
      "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n{}",
      "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}",
      "HTTP/1.1 200 OK\r\nContent-Length: +2\r\n\r\n{}",
      "HTTP/1.1 200 OK\r\nContent-Length: 0x2\r\n\r\n{}",
      "HTTP/1.1 200 OK\r\nContent-Length: \r\n\r\n{}",
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: identity\r\n\r\n{}",
      "HTTP/1.1 200 OK\r\nX: 1\r\n\tfolded\r\n\r\n{}",
      "HTTP/1.1 200 OK\r\nBad Name: 1\r\n\r\n{}",
      "HTTP/1.1 200 OK\r\n: no name\r\n\r\n{}",
      "HTTP/1.1 200 OK\r\nX: a\rb\r\n\r\n{}",
      "HTTP/1.1 200 OK\r\nX: a\u0000b\r\n\r\n{}",
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n123456789\r\n",
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}XX0\r\n\r\n",
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n",
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n\r\n",
      "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n{}",
      "HTTP/1.1 200 OK\r\n",
      "HTTP/1.1 20x OK\r\n\r\n{}",
      "HTTP/1.1 200OK\r\n\r\n{}",
      "HTTP/1.2 200 OK\r\n\r\n{}",
      "ICY 200 OK\r\n\r\n{}",
  })
  void refused(String raw) {
    assertThrows(BadResponseException.class, () -> body(raw, 100));
  }

  @DisplayName("head limits: 100 fields, 16 KiB in all, 8 KiB per line")
  @Test
  void headLimits() throws IOException {
    StringBuilder manyFields = new StringBuilder("HTTP/1.1 200 OK\r\n");
    for (int i = 0; i < 101; i++) {
      manyFields.append("X-").append(i).append(": 1\r\n");
    }
    assertThrows(BadResponseException.class, () -> body(manyFields + "\r\n", 100));
    assertThrows(BadResponseException.class, () -> body("HTTP/1.1 200 OK\r\nX: " + "a".repeat(9000) + "\r\n\r\n", 100));
    StringBuilder bigHead = new StringBuilder("HTTP/1.1 200 OK\r\n");
    for (int i = 0; i < 3; i++) {
      bigHead.append("X-").append(i).append(": ").append("a".repeat(6000)).append("\r\n");
    }
    assertThrows(BadResponseException.class, () -> body(bigHead + "\r\n", 100));
    assertArrayEquals("{}".getBytes(StandardCharsets.US_ASCII),
        body("HTTP/1.1 200 OK\r\nX: " + "a".repeat(8000) + "\r\nContent-Length: 2\r\n\r\n{}", 100));
  }

  @Test
  void messagesAreSafeDescriptions() {
    BadResponseException e = assertThrows(BadResponseException.class,
        () -> body("HTTP/1.1 200 OK\r\nContent-Length: 999\r\n\r\n<script>", 100));
    assertTrue(e.getMessage().contains("larger than 100 bytes"), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "HTTP/1.1 200 OK\r\nContent-Length: 2\u001F\r\n\r\nok",
      "HTTP/1.1 200 OK\r\nContent-Length: \u00A02\r\n\r\nok",
      "HTTP/1.1 200 OK\r\nContent-Length: +2\r\n\r\nok",
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\u001C\r\n\r\n2\r\nok\r\n0\r\n\r\n",
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\u001F\r\nok\r\n0\r\n\r\n",
  })
  @DisplayName("framing values are read with ASCII whitespace and digits only: U+001C-1F, NBSP and '+' are not skipped")
  void framingIsAscii(String raw) {
    assertThrows(IOException.class, () -> body(raw, 100));
  }
}
