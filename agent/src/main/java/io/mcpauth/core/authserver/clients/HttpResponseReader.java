package io.mcpauth.core.authserver.clients;

import io.mcpauth.core.text.Ascii;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads one HTTP/1.1 response (RFC 9112) from a connection the fetcher opened and closes: the
 * status line, the header fields, and a body delimited by Content-Length, chunked coding or the end
 * of the connection, never more than a cap. Anything ambiguous is refused rather than guessed at,
 * as a request smuggler would exploit the guess: folded header lines, Content-Length together with
 * Transfer-Encoding, differing Content-Length values, codings other than chunked.
 */
final class HttpResponseReader {

  /** The response is unacceptable or malformed; the message is fit for a client-facing description. */
  static final class BadResponseException extends IOException {
    BadResponseException(String message) {
      super(message);
    }
  }

  /** The status line and header fields; names are lower-case and repeated fields joined with ", ". */
  record Head(int status, Map<String, String> fields) {
    String field(String name) {
      return fields.get(name);
    }
  }

  static final int MAX_HEAD_BYTES = 16 * 1024;
  private static final int MAX_LINE_BYTES = 8 * 1024;
  private static final int MAX_FIELDS = 100;

  private final InputStream in;

  HttpResponseReader(InputStream in) {
    this.in = in;
  }

  Head head() throws IOException {
    String statusLine = line();
    int headBytes = statusLine.length();
    int status = statusCode(statusLine);
    Map<String, String> fields = new LinkedHashMap<>();
    int count = 0;
    for (String line = line(); !line.isEmpty(); line = line()) {
      headBytes += line.length();
      if (++count > MAX_FIELDS || headBytes > MAX_HEAD_BYTES) {
        throw new BadResponseException("the response head is too large");
      }
      if (line.charAt(0) == ' ' || line.charAt(0) == '\t') {
        throw new BadResponseException("the response folds a header field"); // RFC 9112 §5.2
      }
      int colon = line.indexOf(':');
      if (colon <= 0 || !isToken(line.substring(0, colon))) {
        throw new BadResponseException("the response has a malformed header field");
      }
      String name = Ascii.toLowerCase(line.substring(0, colon));
      String value = Ascii.trim(line.substring(colon + 1));
      fields.merge(name, value, (first, next) -> first + ", " + next);
    }
    return new Head(status, fields);
  }

  /** The body of a response with {@code head}; more than {@code maxBytes} is refused, declared or not. */
  byte[] body(Head head, int maxBytes) throws IOException {
    String transferEncoding = head.field("transfer-encoding");
    String contentLength = head.field("content-length");
    if (transferEncoding != null && contentLength != null) {
      throw new BadResponseException("the response has both Transfer-Encoding and Content-Length");
    }
    if (transferEncoding != null) {
      if (!Ascii.equalsIgnoreCase(transferEncoding, "chunked")) {
        throw new BadResponseException("the response uses a transfer coding other than chunked");
      }
      return chunked(maxBytes);
    }
    if (contentLength != null) {
      long length = contentLength(contentLength);
      if (length > maxBytes) {
        throw tooLarge(maxBytes);
      }
      return exactly((int) length);
    }
    return untilEnd(maxBytes);
  }

  private byte[] chunked(int maxBytes) throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    while (true) {
      long size = chunkSize(line());
      if (size == 0) {
        break;
      }
      if (body.size() + size > maxBytes) {
        throw tooLarge(maxBytes);
      }
      body.writeBytes(exactly((int) size));
      if (!line().isEmpty()) {
        throw new BadResponseException("the response has a malformed chunk");
      }
    }
    for (int trailers = 0; !line().isEmpty(); trailers++) {
      if (trailers >= MAX_FIELDS) {
        throw new BadResponseException("the response has too many trailer fields");
      }
    }
    return body.toByteArray();
  }

  private byte[] exactly(int length) throws IOException {
    byte[] bytes = in.readNBytes(length);
    if (bytes.length < length) {
      throw new BadResponseException("the response body is truncated");
    }
    return bytes;
  }

  private byte[] untilEnd(int maxBytes) throws IOException {
    byte[] bytes = in.readNBytes(maxBytes + 1);
    if (bytes.length > maxBytes) {
      throw tooLarge(maxBytes);
    }
    return bytes;
  }

  /** One line of at most {@link #MAX_LINE_BYTES}, without its CRLF (or bare LF, RFC 9112 §2.2). */
  private String line() throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream(64);
    while (true) {
      int b = in.read();
      if (b < 0) {
        throw new BadResponseException("the response ended early");
      }
      if (b == '\n') {
        break;
      }
      if (line.size() == MAX_LINE_BYTES) {
        throw new BadResponseException("the response has a line that is too long");
      }
      line.write(b);
    }
    byte[] bytes = line.toByteArray();
    int length = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
    for (int i = 0; i < length; i++) {
      if (bytes[i] == '\r' || bytes[i] == 0) {
        throw new BadResponseException("the response has a control character in its head");
      }
    }
    return new String(bytes, 0, length, StandardCharsets.ISO_8859_1);
  }

  private static int statusCode(String line) throws BadResponseException {
    // HTTP-version SP 3DIGIT SP [reason-phrase] (RFC 9112 §4)
    if (line.length() < 12 || !(line.startsWith("HTTP/1.1 ") || line.startsWith("HTTP/1.0 "))
        || (line.length() > 12 && line.charAt(12) != ' ')) {
      throw new BadResponseException("the response has a malformed status line");
    }
    int status = 0;
    for (int i = 9; i < 12; i++) {
      char c = line.charAt(i);
      if (c < '0' || c > '9') {
        throw new BadResponseException("the response has a malformed status line");
      }
      status = status * 10 + (c - '0');
    }
    return status;
  }

  /** RFC 9110 §8.6: a list of identical values is the same as one. */
  private static long contentLength(String value) throws BadResponseException {
    long length = -1;
    for (String item : value.split(",", -1)) {
      long parsed = Ascii.parseDecimal(Ascii.trim(item), 12);
      if (parsed < 0) {
        throw new BadResponseException("the response has an invalid Content-Length");
      }
      if (length >= 0 && parsed != length) {
        throw new BadResponseException("the response has differing Content-Length values");
      }
      length = parsed;
    }
    return length;
  }

  private static long chunkSize(String line) throws BadResponseException {
    int end = line.indexOf(';');
    String hex = Ascii.trim(end < 0 ? line : line.substring(0, end));
    if (hex.isEmpty() || hex.length() > 8) {
      throw new BadResponseException("the response has a malformed chunk size");
    }
    long size = 0;
    for (int i = 0; i < hex.length(); i++) {
      int digit = Ascii.hexValue(hex.charAt(i));
      if (digit < 0) {
        throw new BadResponseException("the response has a malformed chunk size");
      }
      size = size * 16 + digit;
    }
    return size;
  }

  private static boolean isToken(String name) {
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean tchar = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
      if (!tchar) {
        return false;
      }
    }
    return true;
  }

  private static BadResponseException tooLarge(int maxBytes) {
    return new BadResponseException("the document is larger than " + maxBytes + " bytes");
  }
}
