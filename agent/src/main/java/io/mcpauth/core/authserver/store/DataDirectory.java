package io.mcpauth.core.authserver.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The embedded authorization server's data directory, held with an exclusive lock for the life of
 * the JVM: two servers writing one directory would lose each other's writes.
 */
public final class DataDirectory {

  /**
   * The locks, reachable for the life of the JVM: an unreachable FileChannel is closed by its
   * cleaner at the next GC, and its lock with it. The OS drops them when the JVM exits.
   */
  private static final List<FileLock> HELD = new CopyOnWriteArrayList<>();

  private final Path path;

  private DataDirectory(Path path) {
    this.path = path;
  }

  public static DataDirectory open(Path path) throws IOException {
    AtomicFile.createPrivateDirectories(path);
    Path lockFile = path.resolve("lock");
    FileChannel channel = Files.exists(lockFile)
        ? FileChannel.open(lockFile, StandardOpenOption.WRITE)
        : FileChannel.open(lockFile, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE),
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null;
    }
    if (lock == null) {
      channel.close();
      throw new IOException("data directory " + path + " is in use by another process (set mcpauth.as.data)");
    }
    HELD.add(lock);
    return new DataDirectory(path);
  }

  public Path path() {
    return path;
  }

  public AtomicFile file(String name) {
    return new AtomicFile(path.resolve(name));
  }

  /** Reads one store file: null when it does not exist yet ({@link DataFormat#readJson}). */
  static Map<String, Object> readObject(AtomicFile file) throws IOException {
    return DataFormat.readJson(file);
  }
}
