package io.mcpauth.core.authserver.store;

import io.mcpauth.core.BuildInfo;
import io.mcpauth.core.json.JsonWriter;
import io.mcpauth.core.json.StrictJson;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The format version every data file of the embedded authorization server carries, so that an
 * upgrade reads older files and a downgrade refuses newer ones instead of misreading them.
 *
 * <p>JSON files carry it as their first member, {@code "format"}; the users file as the line
 * {@code # format: N}. Files written before versions existed have none: they are format 1.
 */
public final class DataFormat {

  /** The format this agent writes, and the newest it reads. */
  public static final int CURRENT = 1;
  public static final String MEMBER = "format";
  /** The users file's line. */
  public static final String LINE_PREFIX = "# format:";

  private DataFormat() {}

  /** {@code content} with the format member first, as every JSON data file is written. */
  public static Map<String, Object> versioned(Map<String, ?> content) {
    Map<String, Object> document = new LinkedHashMap<>();
    document.put(MEMBER, CURRENT);
    document.putAll(content);
    return document;
  }

  /**
   * The version of a parsed JSON data file: 1 when it has none, an error when it is newer than
   * {@link #CURRENT} or not a version at all.
   */
  public static int version(Map<String, Object> document, Path file) throws IOException {
    if (!document.containsKey(MEMBER)) {
      return 1;
    }
    Object value = document.get(MEMBER);
    if (!(value instanceof Number number) || number.doubleValue() != number.longValue() || number.longValue() < 1) {
      throw new IOException("data file " + file + " has no valid format version (\"" + MEMBER
          + "\" must be a positive integer); restore it from a backup");
    }
    return check(number.longValue(), file);
  }

  /** The version read from a file, refused when newer than this agent reads. */
  public static int check(long version, Path file) throws IOException {
    if (version > CURRENT) {
      throw new IOException("data file " + file + " has format version " + version + ", newer than this agent (mcpauth "
          + BuildInfo.current().version() + ") reads: format " + CURRENT + " at most; run the agent that wrote it,"
          + " or restore the file from a backup made before the upgrade");
    }
    return (int) version;
  }

  /**
   * Reads a JSON data file the authorization server owns: null when it does not exist yet. A file
   * of an older format is migrated and written back, crash-safe, before it is used; a newer or
   * damaged one stops the server, since starting empty would drop clients, keys and revocations.
   */
  static Map<String, Object> readJson(AtomicFile file) throws IOException {
    String text = file.read();
    if (text == null) {
      return null;
    }
    Map<String, Object> document = parse(text, file.path());
    version(document, file.path());
    if (!document.containsKey(MEMBER)) {
      // format 1 from before versions: the member is all its migration adds
      document = versioned(document);
      file.write(JsonWriter.write(document));
    }
    return document;
  }

  private static Map<String, Object> parse(String text, Path file) throws IOException {
    try {
      return StrictJson.parseObject(text, file.getFileName().toString());
    } catch (StrictJson.MalformedJsonException e) {
      throw new IOException("store file " + file + " is damaged (" + e.getMessage()
          + "); restore it from a backup or remove it knowingly", e);
    }
  }
}
