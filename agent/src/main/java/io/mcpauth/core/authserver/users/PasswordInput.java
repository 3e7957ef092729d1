package io.mcpauth.core.authserver.users;

import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** A new password, typed twice at a terminal or given as one line on standard input (for scripts). */
final class PasswordInput {

  /** Longer input is not a password but, most likely, a file piped in by mistake. */
  private static final int MAX_LINE_BYTES = 4096;

  static final class Refused extends Exception {
    Refused(String message) {
      super(message);
    }
  }

  private PasswordInput() {}

  static char[] fromTerminal(Console console, String username) throws Refused {
    char[] first = console.readPassword("Password for %s: ", username);
    if (first == null || first.length == 0) {
      throw new Refused("no password given");
    }
    char[] second = console.readPassword("The same password again: ");
    try {
      if (!Arrays.equals(first, second)) {
        Arrays.fill(first, '\0');
        throw new Refused("the two passwords differ");
      }
      return first;
    } finally {
      if (second != null) {
        Arrays.fill(second, '\0');
      }
    }
  }

  /** The first line, without its line ending, decoded as UTF-8. */
  static char[] fromLine(InputStream in) throws IOException, Refused {
    byte[] line = readLine(in);
    try {
      if (line.length == 0) {
        throw new Refused("no password on standard input (give it as one line)");
      }
      CharBuffer chars = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(line));
      char[] password = Arrays.copyOfRange(chars.array(), chars.position(), chars.limit());
      Arrays.fill(chars.array(), '\0');
      return password;
    } catch (CharacterCodingException e) {
      throw new Refused("the password on standard input is not UTF-8 text");
    } finally {
      Arrays.fill(line, (byte) 0);
    }
  }

  private static byte[] readLine(InputStream in) throws IOException, Refused {
    byte[] buffer = new byte[MAX_LINE_BYTES + 1];
    int length = 0;
    int next;
    while ((next = in.read()) != -1 && next != '\n') {
      if (length == buffer.length) {
        Arrays.fill(buffer, (byte) 0);
        throw new Refused("the first line of standard input is longer than " + MAX_LINE_BYTES + " bytes; not a password");
      }
      buffer[length++] = (byte) next;
    }
    if (length > 0 && buffer[length - 1] == '\r') {
      length--;
    }
    byte[] line = Arrays.copyOf(buffer, length);
    Arrays.fill(buffer, (byte) 0);
    return line;
  }
}
