package io.mcpauth.core.authserver.users;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Base64;
import java.util.List;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

/** Each PBKDF2 run costs about half a second: the hashes are made once and shared. */
class PasswordHashTest {

  private static final String SALT = "AAAAAAAAAAAAAAAAAAAAAA";
  private static final String KEY = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

  private static String first;
  private static String second;

  @BeforeAll
  static void hashTheSamePasswordTwice() {
    first = PasswordHash.hash("correct horse".toCharArray());
    second = PasswordHash.hash("correct horse".toCharArray());
  }

  @Test
  void theRightPasswordVerifiesAndAWrongOneDoesNot() {
    assertTrue(PasswordHash.verify("correct horse".toCharArray(), first));
    assertFalse(PasswordHash.verify("correct horsf".toCharArray(), second));
    assertFalse(PasswordHash.verify(new char[0], first));
  }

  @Test
  void theEncodingCarriesAtLeast600000IterationsAFreshSaltAnd32Bytes() {
    for (String encoded : new String[] {first, second}) {
      String[] parts = encoded.split("\\$");
      assertEquals(4, parts.length, encoded);
      assertEquals("pbkdf2-sha256", parts[0]);
      assertTrue(Integer.parseInt(parts[1]) >= 600_000, encoded);
      assertEquals(16, Base64.getDecoder().decode(parts[2]).length);
      assertEquals(32, Base64.getDecoder().decode(parts[3]).length);
      assertTrue(PasswordHash.isWellFormed(encoded));
    }
    assertNotEquals(first.split("\\$")[2], second.split("\\$")[2], "salts differ");
    assertNotEquals(first, second);
  }

  @Test
  void theStoredKeyIsTheJdksPbkdf2HmacSha256At600000IterationsOfThePasswordAndSalt() throws Exception {
    String[] parts = first.split("\\$");
    assertEquals("600000", parts[1]);
    byte[] salt = Base64.getDecoder().decode(parts[2]);
    PBEKeySpec spec = new PBEKeySpec("correct horse".toCharArray(), salt, 600_000, 256);
    byte[] expected = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256", "SunJCE").generateSecret(spec).getEncoded();
    assertArrayEquals(expected, Base64.getDecoder().decode(parts[3]));
  }

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(strings = {
      "pbkdf2-sha256$600000$" + SALT,
      "pbkdf2-sha256$600000$" + SALT + "$" + KEY + "$",
      "pbkdf2-sha1$600000$" + SALT + "$" + KEY,
      "PBKDF2-SHA256$600000$" + SALT + "$" + KEY,
      "pbkdf2-sha256$599999$" + SALT + "$" + KEY,
      "pbkdf2-sha256$1000$" + SALT + "$" + KEY,
      "pbkdf2-sha256$0600000$" + SALT + "$" + KEY,
      "pbkdf2-sha256$-600000$" + SALT + "$" + KEY,
      "pbkdf2-sha256$999999999$" + SALT + "$" + KEY,
      "pbkdf2-sha256$99999999999$" + SALT + "$" + KEY,
      "pbkdf2-sha256$600000$" + SALT + "==$" + KEY,
      "pbkdf2-sha256$600000$" + SALT + "$" + KEY + "=",
      "pbkdf2-sha256$600000$AAAAAAAAAAAAAAAAAAAAAB$" + KEY,
      "pbkdf2-sha256$600000$AAAAAAAAAAAAAAAAAAAA$" + KEY,
      "pbkdf2-sha256$600000$" + SALT + "$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
      "pbkdf2-sha256$600000$" + SALT + "$" + KEY + "AAAA",
      "pbkdf2-sha256$600000$" + SALT + "$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA-A",
      "pbkdf2-sha256$600000$ " + SALT + "$" + KEY,
      "pbkdf2-sha256$600000$$" + KEY,
  })
  void malformedOrWeakEncodingsAreRefusedWithoutDerivingAnything(String encoded) throws Exception {
    assertFalse(PasswordHash.isWellFormed(encoded));
    assertEquals(List.of(), Pbkdf2Runs.of(() -> assertFalse(PasswordHash.verify("anything".toCharArray(), encoded))));
  }

  @Test
  void aWellFormedEncodingCostsOneDerivationAtItsIterationCount() throws Exception {
    String wellFormed = "pbkdf2-sha256$600000$" + SALT + "$" + KEY;
    assertEquals(List.of(600_000), Pbkdf2Runs.of(() -> assertFalse(PasswordHash.verify("anything".toCharArray(), wellFormed))));
    assertEquals(List.of(600_001), Pbkdf2Runs.of(
        () -> assertFalse(PasswordHash.verify("anything".toCharArray(), "pbkdf2-sha256$600001$" + SALT + "$" + KEY))));
  }

  @Test
  void theCanonicalFixtureIsWellFormed() {
    assertTrue(PasswordHash.isWellFormed("pbkdf2-sha256$600000$" + SALT + "$" + KEY));
  }

  @Test
  void aRealHashWithTooFewIterationsIsRefusedEvenForTheRightPassword() throws Exception {
    byte[] salt = new byte[16];
    PBEKeySpec spec = new PBEKeySpec("correct horse".toCharArray(), salt, 1000, 256);
    byte[] key = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
    Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
    String weak = "pbkdf2-sha256$1000$" + b64.encodeToString(salt) + "$" + b64.encodeToString(key);
    assertFalse(PasswordHash.verify("correct horse".toCharArray(), weak));
  }

  @Test
  void unicodePasswordsAreComparedInNormalForm() {
    String encoded = PasswordHash.hash("cafe\u0301 au lait".toCharArray());
    assertTrue(PasswordHash.verify("caf\u00e9 au lait".toCharArray(), encoded), "NFD typed, NFC stored alike");
  }

  @Test
  void anUnmatchableHashIsWellFormedAndFresh() {
    String dummy = PasswordHash.unmatchable();
    assertTrue(PasswordHash.isWellFormed(dummy));
    assertNotEquals(dummy, PasswordHash.unmatchable());
  }
}
