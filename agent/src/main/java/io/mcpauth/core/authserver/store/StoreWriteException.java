package io.mcpauth.core.authserver.store;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Path;

/**
 * A store file could not be replaced: the disk is full, the directory became read-only, a quota was
 * reached. The file on disk is as it was ({@link AtomicFile}), and the request that needed the write
 * is refused. The message names the file and the file system's reason, never the content.
 */
public final class StoreWriteException extends IOException {

  private final String reason;

  StoreWriteException(Path file, IOException cause) {
    super("cannot write " + file + " (" + reason(cause) + ")", cause);
    this.reason = reason(cause);
  }

  /** What the file system said: "No space left on device", "Read-only file system", "permission denied". */
  public String reason() {
    return reason;
  }

  static String reason(IOException e) {
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof FileSystemException failure && failure.getReason() != null) {
      return failure.getReason();
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }
}
