package io.mcpauth.core.token;

import io.mcpauth.core.denial.ReasonCode;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;

/**
 * A JWS in compact serialization, split and decoded strictly. jose4j's decoder is lenient (it
 * skips spaces, '?', padding and non-canonical trailing bits: Wycheproof tc 360-375), so every
 * part is checked against the base64url alphabet and for canonical encoding before decoding.
 */
final class CompactJws {

  private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

  /** The token as ASCII bytes; the signing input is its first {@link #signingInputLength} bytes. */
  final byte[] ascii;
  final int signingInputLength;
  /** The decoded header and payload: UTF-8, checked. */
  final byte[] header;
  final byte[] payload;
  final byte[] signature;

  private CompactJws(byte[] ascii, int signingInputLength, byte[] header, byte[] payload, byte[] signature) {
    this.ascii = ascii;
    this.signingInputLength = signingInputLength;
    this.header = header;
    this.payload = payload;
    this.signature = signature;
  }

  static CompactJws parse(String token) throws TokenRejectedException {
    int first = token.indexOf('.');
    int second = first < 0 ? -1 : token.indexOf('.', first + 1);
    if (second < 0 || token.indexOf('.', second + 1) >= 0) {
      throw new TokenRejectedException(ReasonCode.TOKEN_MALFORMED, "malformed token: not a compact JWS with three parts");
    }
    if (token.indexOf('=') >= 0) {
      throw new TokenRejectedException(ReasonCode.TOKEN_MALFORMED, "malformed token: padded base64url");
    }
    for (int i = 0; i < token.length(); i++) {
      // Above ASCII nothing is base64url, and a surrogate pair would become one byte, moving every
      // offset after it (the dots' positions are counted in chars).
      if (token.charAt(i) > 0x7F) {
        throw new TokenRejectedException(ReasonCode.TOKEN_MALFORMED, "malformed token: character outside base64url");
      }
    }
    byte[] ascii = token.getBytes(StandardCharsets.ISO_8859_1);
    return new CompactJws(
        ascii,
        second,
        utf8(decode(ascii, 0, first)),
        utf8(decode(ascii, first + 1, second)),
        decode(ascii, second + 1, ascii.length));
  }

  /**
   * One part: non-empty, the base64url alphabet only (the JDK's URL decoder refuses anything else,
   * '+' and '/' included), no padding (checked above), zero unused trailing bits (RFC 7515 §2).
   */
  private static byte[] decode(byte[] ascii, int from, int to) throws TokenRejectedException {
    int length = to - from;
    if (length == 0 || length % 4 == 1) {
      throw new TokenRejectedException(ReasonCode.TOKEN_MALFORMED, "malformed token: empty or truncated part");
    }
    int unusedBitsMask = length % 4 == 2 ? 0x0f : length % 4 == 3 ? 0x03 : 0;
    if ((sextet(ascii[to - 1]) & unusedBitsMask) != 0) {
      throw new TokenRejectedException(ReasonCode.TOKEN_MALFORMED, "malformed token: non-canonical base64url");
    }
    try {
      ByteBuffer decoded = DECODER.decode(ByteBuffer.wrap(ascii, from, length));
      byte[] bytes = decoded.array();
      return decoded.arrayOffset() == 0 && decoded.remaining() == bytes.length
          ? bytes
          : Arrays.copyOfRange(bytes, decoded.arrayOffset(), decoded.arrayOffset() + decoded.remaining());
    } catch (IllegalArgumentException e) {
      throw new TokenRejectedException(ReasonCode.TOKEN_MALFORMED, "malformed token: character outside base64url");
    }
  }

  private static int sextet(byte c) {
    if (c >= 'A' && c <= 'Z') {
      return c - 'A';
    }
    if (c >= 'a' && c <= 'z') {
      return c - 'a' + 26;
    }
    if (c >= '0' && c <= '9') {
      return c - '0' + 52;
    }
    return c == '-' ? 62 : 63; // '_', or an invalid byte the decoder refuses anyway
  }

  /** {@code bytes}, refused unless UTF-8: JSON reading would refuse them too, this names the cause. */
  private static byte[] utf8(byte[] bytes) throws TokenRejectedException {
    boolean ascii = true;
    for (byte b : bytes) {
      ascii &= b >= 0;
    }
    if (ascii) {
      return bytes; // the common case, no decoder needed
    }
    try {
      StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes));
      return bytes;
    } catch (CharacterCodingException e) {
      throw new TokenRejectedException(ReasonCode.TOKEN_MALFORMED, "malformed token: invalid UTF-8");
    }
  }
}
