package io.mcpauth.core.gate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/**
 * The Authorization header on any text: a token is returned only for the Bearer scheme (ASCII
 * case-insensitive) followed by spaces and one RFC 6750 b64token, which is returned exactly, and
 * reading the header a second time with the token written back gives the same token.
 */
class BearerCredentialsFuzzTest {


  @FuzzTest
  void tokensAreSingleB64Tokens(byte[] input) {
    String header = new String(input, StandardCharsets.UTF_8);
    BearerCredentials credentials = BearerCredentials.parse(header);
    assertNotNull(credentials.kind());
    if (credentials.kind() != BearerCredentials.Kind.TOKEN) {
      assertEquals(null, credentials.token());
      return;
    }
    String token = credentials.token();
    assertTrue(header.regionMatches(true, 0, "Bearer ", 0, 7), header);
    assertTrue(token.chars().allMatch(c -> c < 128 && "\t ,".indexOf(c) < 0), token);
    // RFC 6750 §2.1 allows '=' only at the end; the gate passes any b64token character on to the
    // verifier, which refuses '=' anywhere: here the token is only checked to be one word.
    assertTrue(token.matches("[A-Za-z0-9\\-._~+/=]+"), token);
    assertEquals(header.substring(7).replaceFirst("^ +", "").replaceFirst("[ \t]+$", ""), token);
    assertEquals(credentials, BearerCredentials.parse("Bearer " + token));
  }
}
