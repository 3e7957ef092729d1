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
  private final WriteOutage outage;

  private DataDirectory(Path path) {
    this.path = path;
    this.outage = new WriteOutage(path);
  }

  /**
   * Locks the directory, creating it when missing, and checks that a file can be made in it: a
   * server that can never save a registration or a grant is refused at start, not at its first
   * sign-in. A full disk passes (making an empty file takes no space): it is a passing state, and
   * the server answers 503 to what needs a write until there is room again.
   */
  public static DataDirectory open(Path path) throws IOException {
    FileChannel channel;
    try {
      AtomicFile.createPrivateDirectories(path);
      Path lockFile = path.resolve("lock");
      channel = Files.exists(lockFile)
          ? FileChannel.open(lockFile, StandardOpenOption.WRITE)
          : FileChannel.open(lockFile, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE),
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (IOException e) {
      throw notWritable(path, e);
    }
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
    try {
      probeWritable(path);
    } catch (IOException e) {
      channel.close();
      throw notWritable(path, e);
    }
    HELD.add(lock);
    return new DataDirectory(path);
  }

  private static IOException notWritable(Path path, IOException e) {
    return new IOException("data directory " + path + " cannot be written (" + StoreWriteException.reason(e)
        + "): the authorization server keeps its signing keys, clients and grants there", e);
  }

  /** The lock file opens on a read-only directory that is not mounted read-only; a new file does not. */
  private static void probeWritable(Path path) throws IOException {
    Path probe = path.resolve(".write-probe");
    Files.deleteIfExists(probe);
    Files.createFile(probe);
    Files.delete(probe);
  }

  public Path path() {
    return path;
  }

  public AtomicFile file(String name) {
    return new AtomicFile(path.resolve(name), outage);
  }

  /** Reads one store file: null when it does not exist yet ({@link DataFormat#readJson}). */
  static Map<String, Object> readObject(AtomicFile file) throws IOException {
    return DataFormat.readJson(file);
  }
}
