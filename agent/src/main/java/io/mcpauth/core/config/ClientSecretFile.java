package io.mcpauth.core.config;

import io.mcpauth.core.logging.LogText;
import io.mcpauth.core.text.Ascii;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;

/** A client secret kept in a file of its own, and the characters a client id or secret may hold. */
final class ClientSecretFile {

  // RFC 6749 Appendix A.1/A.2: client-id and client-secret are *VSCHAR.
  private static final Pattern VSCHAR = Pattern.compile("[\\x20-\\x7E]+");
  private static final int MAX_BYTES = 4096;

  private ClientSecretFile() {}

  static boolean printable(String value) {
    return VSCHAR.matcher(value).matches();
  }

  /**
   * The secret in the file {@code value}, surrounding whitespace (a final newline) removed, or null
   * after adding an error to {@code parser}; errors name the file, never its content.
   */
  static String read(ConfigParser parser, String property, String value) {
    Path path;
    try {
      path = ConfigParser.path(value);
    } catch (java.nio.file.InvalidPathException e) {
      parser.errors.add(property + " is not a valid path: '" + LogText.printable(value) + "'");
      return null;
    }
    try {
      if (!Files.isRegularFile(path) || Files.size(path) > MAX_BYTES) {
        parser.errors.add(property + " is not a readable file of at most " + MAX_BYTES + " bytes: " + path);
        return null;
      }
      String secret = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(path)))
          .toString()
          .transform(Ascii::trim);
      if (secret.isEmpty()) {
        parser.errors.add(property + " names an empty file: " + path);
        return null;
      }
      return secret;
    } catch (CharacterCodingException e) {
      parser.errors.add(property + ": the client secret must be printable ASCII (RFC 6749 Appendix A.2)");
      return null;
    } catch (IOException | SecurityException e) {
      parser.errors.add(property + " cannot be read: " + path + " (" + e.getClass().getSimpleName() + ")");
      return null;
    }
  }
}
