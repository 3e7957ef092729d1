package io.mcpauth.tests.support;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * A data directory whose disk a test can take away and give back, in the truest way the machine
 * allows:
 *
 * <ul>
 *   <li>where {@code mount} works (root with CAP_SYS_ADMIN): the directory is on a 2 MiB tmpfs of its
 *       own; "full" is a file filling it (writes fail with ENOSPC), "read-only" a read-only bind mount
 *       laid over the directory (EROFS; the server's open lock file stays open, as it would);
 *   <li>else, for a user other than root: both are the directory's write permission taken away
 *       (EACCES). The server sees the same failed write, for another reason.
 * </ul>
 *
 * Root without mount rights can do neither (permissions do not bind root): {@link #create} then
 * skips the test, and says so on standard error.
 */
public final class DataDisk implements AutoCloseable {

  private static final String OWNER_ONLY = "rwx------";
  private static final String READ_ONLY = "r-x------";

  private final Path root;
  private final Path data;
  private final boolean tmpfs;
  private boolean boundReadOnly;

  private DataDisk(Path root, boolean tmpfs) throws IOException {
    this.root = root;
    this.tmpfs = tmpfs;
    this.data = Files.createDirectory(root.resolve("data"),
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(OWNER_ONLY)));
  }

  public static DataDisk create() throws IOException {
    Path root = Files.createTempDirectory("mcpauth-disk");
    if (run("mount", "-t", "tmpfs", "-o", "size=2m,mode=0700", "tmpfs", root.toString()).isEmpty()) {
      return new DataDisk(root, true);
    }
    if (permissionsBind(root)) {
      return new DataDisk(root, false);
    }
    delete(root);
    String why = "SKIPPED: this test needs a disk it can fill or make read-only: `mount` is refused here (no "
        + "CAP_SYS_ADMIN) and the user is root, whom file permissions do not stop. Run it as root with mount "
        + "rights, or as any other user.";
    System.err.println("\n" + "!".repeat(100) + "\n" + why + "\n" + "!".repeat(100) + "\n");
    Assumptions.abort(why);
    throw new AssertionError("unreachable");
  }

  /** The data directory, for {@code mcpauth.as.data}. */
  public Path data() {
    return data;
  }

  /** What the file system answers a write once the disk is {@code full} or {@code read-only}. */
  public String reasonWhen(String state) {
    if (!tmpfs) {
      return "permission denied";
    }
    return state.equals("full") ? "No space left on device" : "Read-only file system";
  }

  /** What the file system answers a write on a read-only directory. */
  public String readOnlyReason() {
    return reasonWhen("read-only");
  }

  /** No room left for the server's next write (or, without tmpfs, no permission to make it). */
  public void fill() throws IOException {
    if (!tmpfs) {
      chmod(READ_ONLY);
      return;
    }
    try (var out = Files.newOutputStream(root.resolve("filler"))) {
      // Large chunks, then small ones for what a large one left.
      for (int size : new int[] {64 * 1024, 512}) {
        fillWith(out, new byte[size]);
      }
    }
  }

  private static void fillWith(OutputStream out, byte[] chunk) throws IOException {
    try {
      while (true) {
        out.write(chunk);
      }
    } catch (IOException full) {
      if (!String.valueOf(full.getMessage()).contains("No space left")) {
        throw full;
      }
    }
  }

  /** Frees the space {@link #fill} took, as an operator deleting a large file would. */
  public void free() throws IOException {
    if (!tmpfs) {
      chmod(OWNER_ONLY);
      return;
    }
    Files.delete(root.resolve("filler"));
  }

  public void readOnly() throws IOException {
    if (!tmpfs) {
      chmod(READ_ONLY);
      return;
    }
    require(run("mount", "--bind", data.toString(), data.toString()));
    boundReadOnly = true;
    require(run("mount", "-o", "remount,bind,ro", data.toString()));
  }

  public void writable() throws IOException {
    if (!tmpfs) {
      chmod(OWNER_ONLY);
      return;
    }
    require(run("umount", data.toString()));
    boundReadOnly = false;
  }

  @Override
  public void close() {
    try {
      if (tmpfs) {
        if (boundReadOnly) {
          run("umount", "-l", data.toString());
        }
        String failed = run("umount", root.toString());
        if (!failed.isEmpty()) {
          run("umount", "-l", root.toString());
        }
      } else {
        chmod(OWNER_ONLY);
      }
      delete(root);
    } catch (IOException e) {
      throw new IllegalStateException("cannot clean up " + root, e);
    }
  }

  private void chmod(String permissions) throws IOException {
    Files.setPosixFilePermissions(data, PosixFilePermissions.fromString(permissions));
  }

  /** Whether a directory without write permission refuses a new file to this user (not so for root). */
  private static boolean permissionsBind(Path root) throws IOException {
    Path probe = Files.createDirectory(root.resolve("probe"));
    Files.setPosixFilePermissions(probe, PosixFilePermissions.fromString(READ_ONLY));
    try {
      Files.createFile(probe.resolve("file"));
      return false;
    } catch (AccessDeniedException refused) {
      return true;
    } finally {
      Files.setPosixFilePermissions(probe, PosixFilePermissions.fromString(OWNER_ONLY));
      delete(probe);
    }
  }

  private static void require(String failure) {
    if (!failure.isEmpty()) {
      throw new IllegalStateException(failure);
    }
  }

  /** Runs a command; empty when it succeeded, else what it printed. */
  private static String run(String... command) {
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return String.join(" ", command) + ": did not finish";
      }
      return process.exitValue() == 0 ? "" : String.join(" ", command) + ": exit " + process.exitValue() + ": " + output;
    } catch (IOException e) {
      return String.join(" ", command) + ": " + e.getMessage();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return String.join(" ", command) + ": interrupted";
    }
  }

  private static void delete(Path directory) throws IOException {
    List<Path> paths = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(directory)) {
      walk.sorted(Comparator.reverseOrder()).forEach(paths::add);
    }
    for (Path path : paths) {
      Files.deleteIfExists(path);
    }
  }
}
