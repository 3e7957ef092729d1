package io.mcpauth.core.authserver.store;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;

/**
 * A file that an operator's command writes and a running server reads, held parsed: each look
 * compares the file's identity on disk with the one last parsed and parses it again only when it
 * changed, so a change is seen without a restart. A file that cannot be read or parsed is an
 * {@link IOException} at every look until it is fixed, never an empty or stale value.
 *
 * @param <T> the parsed content; {@link #current()} returns the same instance until the file changes
 */
public final class ParsedFile<T> {

  /** Parses the file's text; null text means the file does not exist (yet). */
  @FunctionalInterface
  public interface Parser<T> {
    T parse(String text) throws IOException;
  }

  /** What identifies one version of the file: a rewrite is a rename, so the file key (inode) changes too. */
  private record Version(Object fileKey, FileTime modified, long size) {
    static final Version ABSENT = new Version(null, null, -1);
  }

  private record Snapshot<T>(Version version, T content) {}

  private final AtomicFile file;
  /** How errors name the file: "users file", "service-clients file". */
  private final String name;
  private final Parser<T> parser;
  private volatile Snapshot<T> snapshot;

  public ParsedFile(Path path, String name, Parser<T> parser) {
    this.file = new AtomicFile(path);
    this.name = name;
    this.parser = parser;
  }

  public Path path() {
    return file.path();
  }

  /** The parsed content as the file stands now. */
  public T current() throws IOException {
    Version now = versionOnDisk();
    Snapshot<T> seen = snapshot;
    if (seen != null && seen.version().equals(now)) {
      return seen.content();
    }
    synchronized (this) {
      seen = snapshot;
      if (seen == null || !seen.version().equals(now)) {
        seen = load();
        snapshot = seen;
      }
      return seen.content();
    }
  }

  /** Replaces the file as a whole ({@link AtomicFile}); the next look parses what was written. */
  public void write(String content) throws IOException {
    try {
      file.write(content);
    } catch (IOException e) {
      throw new IOException("cannot write the " + name + " " + path() + ": " + StoreWriteException.reason(e), e);
    } finally {
      snapshot = null;
    }
  }

  /** The version is taken before the content: a change in between is then seen, and read, next time. */
  private Snapshot<T> load() throws IOException {
    Version version = versionOnDisk();
    String text;
    try {
      text = file.read();
    } catch (CharacterCodingException e) {
      throw new IOException(path() + " is not UTF-8 text; the " + name + " is damaged (fix or restore it)", e);
    } catch (IOException e) {
      throw cannotRead(e);
    }
    return new Snapshot<>(version, parser.parse(text));
  }

  private Version versionOnDisk() throws IOException {
    try {
      BasicFileAttributes attributes = Files.readAttributes(path(), BasicFileAttributes.class);
      return new Version(attributes.fileKey(), attributes.lastModifiedTime(), attributes.size());
    } catch (NoSuchFileException e) {
      return Version.ABSENT;
    } catch (IOException e) {
      throw cannotRead(e);
    }
  }

  private IOException cannotRead(IOException e) {
    return new IOException("cannot read the " + name + " " + path() + ": " + StoreWriteException.reason(e), e);
  }
}
