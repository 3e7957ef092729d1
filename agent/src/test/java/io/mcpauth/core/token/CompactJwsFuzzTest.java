package io.mcpauth.core.token;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The compact JWS parser on any text: a refusal is a TokenRejectedException; an accepted token has
 * exactly three parts, each the canonical unpadded base64url of the bytes it decoded to, the header
 * and payload are UTF-8, and the signing input is exactly the text before the second dot.
 */
class CompactJwsFuzzTest {

  private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

  @FuzzTest
  void acceptedTokensAreCanonical(byte[] input) throws Exception {
    String token = new String(input, StandardCharsets.UTF_8);
    CompactJws jws;
    try {
      jws = CompactJws.parse(token);
    } catch (TokenRejectedException refused) {
      return;
    }
    String[] parts = token.split("\\.", -1);
    assertEquals(3, parts.length);
    assertEquals(parts[0] + "." + ENCODER.encodeToString(jws.payload), parts[0] + "." + parts[1]);
    assertEquals(parts[0], ENCODER.encodeToString(jws.header));
    assertEquals(parts[2], ENCODER.encodeToString(jws.signature));
    assertEquals(parts[0].length() + 1 + parts[1].length(), jws.signingInputLength);
    assertArrayEquals(token.getBytes(StandardCharsets.US_ASCII), jws.ascii);
    StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(jws.header));
    StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(jws.payload));
  }
}
