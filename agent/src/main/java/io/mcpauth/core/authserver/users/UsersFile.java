package io.mcpauth.core.authserver.users;

import io.mcpauth.core.authserver.store.DataFormat;
import io.mcpauth.core.text.Ascii;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The users file's format, one parsed version of it. One {@code username:password-hash} per line;
 * blank lines and lines starting with {@code #} are kept as they are. Usernames are matched without
 * regard to case (two names differing only in case cannot coexist); the spelling in the file is the
 * canonical one. Every line must parse: a damaged file is refused whole, never half-read.
 */
final class UsersFile {

  static final String USERNAME_RULE = "1 to 64 characters from A-Z a-z 0-9 . _ @ -";
  private static final Pattern USERNAME = Pattern.compile("[A-Za-z0-9._@-]{1,64}");
  private static final String FORMAT_LINE = DataFormat.LINE_PREFIX + " " + DataFormat.CURRENT;
  private static final String HEADER = FORMAT_LINE + """

      # mcpauth users: one username:password-hash per line (PBKDF2-HMAC-SHA256).
      # Managed with: java -jar mcpauth-agent.jar user add|remove|passwd|list
      """;

  record Entry(String username, String hash, int lineIndex) {

    /** The fingerprint of this user's stored hash ({@link PasswordHash#fingerprint}). */
    String credential() {
      return PasswordHash.fingerprint(hash);
    }
  }

  static final UsersFile ABSENT = new UsersFile(List.of(), Map.of());

  private final List<String> lines;
  private final Map<String, Entry> byKey;

  private UsersFile(List<String> lines, Map<String, Entry> byKey) {
    this.lines = lines;
    this.byKey = byKey;
  }

  static boolean isValidUsername(String username) {
    return username != null && USERNAME.matcher(username).matches();
  }

  /** Line contents are never quoted in errors: a password pasted by mistake must not reach a terminal or log. */
  static UsersFile parse(String text, Path source) throws IOException {
    List<String> lines = List.of(text.split("\n", -1));
    if (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
      lines = lines.subList(0, lines.size() - 1);
    }
    Map<String, Entry> byKey = new LinkedHashMap<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = Ascii.trim(lines.get(i));
      if (line.startsWith(DataFormat.LINE_PREFIX)) {
        String version = Ascii.trim(line.substring(DataFormat.LINE_PREFIX.length()));
        if (!version.matches("[1-9][0-9]{0,8}")) {
          throw damaged(source, i, "the format version is not a positive integer");
        }
        DataFormat.check(Long.parseLong(version), source);
        continue;
      }
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      int colon = line.indexOf(':');
      if (colon < 0) {
        throw damaged(source, i, "expected username:password-hash");
      }
      String username = line.substring(0, colon);
      String hash = line.substring(colon + 1);
      if (!isValidUsername(username)) {
        throw damaged(source, i, "the username is not " + USERNAME_RULE);
      }
      if (!PasswordHash.isWellFormed(hash)) {
        throw damaged(source, i, "the password hash of '" + username + "' is malformed or weaker than pbkdf2-sha256 with "
            + PasswordHash.MIN_ITERATIONS + " iterations");
      }
      Entry previous = byKey.putIfAbsent(key(username), new Entry(username, hash, i));
      if (previous != null) {
        throw damaged(source, i, "'" + username + "' is already on line " + (previous.lineIndex() + 1));
      }
    }
    return new UsersFile(lines, Collections.unmodifiableMap(byKey));
  }

  private static IOException damaged(Path source, int lineIndex, String problem) {
    return new IOException(source + " line " + (lineIndex + 1) + ": " + problem
        + "; the users file is damaged (fix the line, or restore the file)");
  }

  /** Null when there is no such user (or the name could never be one). */
  Entry find(String username) {
    return username == null ? null : byKey.get(key(username));
  }

  boolean isEmpty() {
    return byKey.isEmpty();
  }

  List<String> usernames() {
    return byKey.values().stream().map(Entry::username).toList();
  }

  /** The file's new content with this user appended. */
  String with(String username, String hash) {
    List<String> result = new ArrayList<>(lines);
    if (result.isEmpty()) {
      result.addAll(HEADER.lines().toList());
    }
    result.add(username + ":" + hash);
    return join(result);
  }

  /** The file's new content with this user's hash replaced, on the same line. */
  String withHash(String username, String hash) {
    Entry entry = find(username);
    List<String> result = new ArrayList<>(lines);
    result.set(entry.lineIndex(), entry.username() + ":" + hash);
    return join(result);
  }

  /** The file's new content without this user's line. */
  String without(String username) {
    List<String> result = new ArrayList<>(lines);
    result.remove(find(username).lineIndex());
    return join(result);
  }

  /**
   * Lines as they were: a file that an operator wrote without a format line is format 1 and stays
   * as written; the agent writes the line only into a file it creates ({@link #HEADER}).
   */
  private static String join(List<String> lines) {
    return lines.isEmpty() ? "" : String.join("\n", lines) + "\n";
  }

  private static String key(String username) {
    return Ascii.toLowerCase(username);
  }
}
