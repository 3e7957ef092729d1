package io.mcpauth.core.audit;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Where the trail's lines go: a file, rotated by size (FILE, FILE.1 ... FILE.max-files), created
 * readable by its owner only; or the process's standard output, never rotated. Used by the writer
 * thread alone.
 */
final class TrailOutput {

  private final Path file;
  private final long maxSize;
  private final int maxFiles;
  private OutputStream out;
  private long size;

  /** @param file null for standard output */
  TrailOutput(Path file, long maxSize, int maxFiles) {
    this.file = file;
    this.maxSize = maxSize;
    this.maxFiles = maxFiles;
  }

  /** Where the lines go, for log lines: the path, or "standard output". */
  String describe() {
    return file == null ? "standard output" : file.toString();
  }

  void write(byte[] line) throws IOException {
    if (out == null) {
      open();
    }
    if (file != null && size > 0 && size + line.length > maxSize) {
      rotate();
    }
    out.write(line);
    size += line.length;
  }

  void flush() throws IOException {
    if (out != null) {
      out.flush();
    }
  }

  /** Drops the stream after a failure; the next write opens the file again. */
  void reset() {
    if (out != null && file != null) {
      try {
        out.close();
      } catch (IOException ignored) {
        // already failing; the next write reopens
      }
    }
    out = null;
  }

  void close() throws IOException {
    if (out != null) {
      out.flush();
      if (file != null) {
        out.close();
      }
      out = null;
    }
  }

  private void open() throws IOException {
    if (file == null) {
      out = new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 65536);
      return;
    }
    if (!Files.exists(file)) {
      try {
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      } catch (UnsupportedOperationException e) {
        Files.createFile(file);
      } catch (FileAlreadyExistsException raced) {
        // created meanwhile: append to it
      }
    }
    size = Files.size(file);
    out = new BufferedOutputStream(new FileOutputStream(file.toFile(), true), 65536);
  }

  private void rotate() throws IOException {
    close();
    for (int i = maxFiles - 1; i >= 1; i--) {
      Path older = rotated(i);
      if (Files.exists(older)) {
        Files.move(older, rotated(i + 1), StandardCopyOption.REPLACE_EXISTING);
      }
    }
    Files.move(file, rotated(1), StandardCopyOption.REPLACE_EXISTING);
    open();
  }

  private Path rotated(int index) {
    return file.resolveSibling(file.getFileName() + "." + index);
  }
}
