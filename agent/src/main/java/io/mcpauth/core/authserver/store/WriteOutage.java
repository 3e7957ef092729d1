package io.mcpauth.core.authserver.store;

import io.mcpauth.core.logging.AgentLog;
import java.nio.file.Path;

/**
 * Whether the data directory can be written, told once each way: the first write that fails logs
 * one ERROR line (the directory and the file system's reason), the first that succeeds after it one
 * INFO line. In between, every request that needs a write is refused with 503, and reads go on.
 */
final class WriteOutage {

  private final Path directory;
  /** The reason of the outage under way, or null when the last write succeeded. */
  private String failing;

  WriteOutage(Path directory) {
    this.directory = directory;
  }

  synchronized void failed(StoreWriteException e) {
    if (failing == null) {
      AgentLog.error("authorization server: cannot write the data directory {} ({}); registrations, consents, token "
          + "requests and revocations are refused with 503 until it can be written; what is stored is unchanged "
          + "and tokens already issued keep working", directory, e.reason());
    }
    failing = e.reason();
  }

  synchronized void succeeded() {
    if (failing != null) {
      AgentLog.info("authorization server: the data directory {} can be written again", directory);
      failing = null;
    }
  }
}
