package io.mcpauth.core.authserver.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * One file replaced as a whole and never seen half-written: the new content goes to a temporary
 * file in the same directory, is forced to disk, renamed over the old one atomically, and the
 * directory is forced too, so that after a crash (even {@code kill -9} or power loss) the file
 * holds either the old or the new content. A write that fails (a full disk, a read-only directory)
 * leaves the old content and no temporary file behind. Files are created readable by their owner only.
 */
public final class AtomicFile {

  private final Path path;
  /** Told of every write of a store file of the data directory; null for files the operator's commands own. */
  private final WriteOutage outage;

  public AtomicFile(Path path) {
    this(path, null);
  }

  AtomicFile(Path path, WriteOutage outage) {
    this.path = path;
    this.outage = outage;
  }

  public Path path() {
    return path;
  }

  /** The content, or null when the file does not exist. */
  public String read() throws IOException {
    try {
      return Files.readString(path, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return null;
    }
  }

  /**
   * @throws StoreWriteException for a store file of the data directory, whose content could not
   *     replace the file's (the file is as it was); files the operator's commands own get the
   *     file system's own exception
   */
  public void write(String content) throws IOException {
    Path directory = path.toAbsolutePath().getParent();
    Path temporary = directory.resolve("." + path.getFileName() + ".tmp");
    try {
      replace(directory, temporary, content);
    } catch (IOException e) {
      removeQuietly(temporary);
      if (outage == null) {
        throw e;
      }
      StoreWriteException failure = new StoreWriteException(path, e);
      outage.failed(failure);
      throw failure;
    }
    if (outage != null) {
      outage.succeeded();
    }
  }

  private void replace(Path directory, Path temporary, String content) throws IOException {
    createPrivateDirectories(directory);
    Files.deleteIfExists(temporary);
    createPrivateFile(temporary);
    try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
      ByteBuffer bytes = ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8));
      while (bytes.hasRemaining()) {
        channel.write(bytes);
      }
      channel.force(true);
    }
    try {
      Files.move(temporary, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      throw new IOException("the file system of " + directory + " cannot replace files atomically", e);
    }
    forceDirectory(directory);
  }

  /** A half-written temporary file would hold on to the very space a full disk lacks. */
  private static void removeQuietly(Path temporary) {
    try {
      Files.deleteIfExists(temporary);
    } catch (IOException | RuntimeException e) {
      // On a read-only file system there is nothing to remove either; the next write replaces it.
    }
  }

  public static void createPrivateDirectories(Path directory) throws IOException {
    if (Files.isDirectory(directory)) {
      return;
    }
    try {
      Files.createDirectories(directory, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    } catch (UnsupportedOperationException e) {
      Files.createDirectories(directory);
    }
  }

  private static void createPrivateFile(Path file) throws IOException {
    try {
      Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException e) {
      Files.createFile(file);
    } catch (FileAlreadyExistsException e) {
      throw new IOException("could not create " + file + ": it appeared while writing", e);
    }
  }

  /** The rename is durable only once the directory entry is on disk (POSIX; a no-op elsewhere). */
  private static void forceDirectory(Path directory) {
    try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException e) {
      // Some platforms cannot open a directory; the rename itself is still atomic there.
    }
  }
}
