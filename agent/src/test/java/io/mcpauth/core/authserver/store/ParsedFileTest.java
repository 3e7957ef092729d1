package io.mcpauth.core.authserver.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ParsedFileTest {

  @TempDir
  Path dir;

  private final AtomicInteger parses = new AtomicInteger();

  /** Parses "a,b,c" into its parts; "damaged" is refused, as a real format refuses a broken file. */
  private ParsedFile<List<String>> file(Path path) {
    return new ParsedFile<>(path, "test file", text -> {
      parses.incrementAndGet();
      if (text == null) {
        return List.of();
      }
      if (text.equals("damaged")) {
        throw new IOException(path + ": damaged");
      }
      return List.of(text.split(","));
    });
  }

  @Test
  void anAbsentFileIsTheParserOfNull() throws IOException {
    assertEquals(List.of(), file(dir.resolve("absent")).current());
  }

  @Test
  void theSameInstanceUntilTheFileChanges() throws IOException {
    Path path = dir.resolve("f");
    Files.writeString(path, "a,b");
    ParsedFile<List<String>> file = file(path);
    List<String> first = file.current();
    assertSame(first, file.current(), "no change, no parse");
    assertEquals(1, parses.get());

    // Another process (the operator's command) replaces the file: a rename, so a new file key.
    new AtomicFile(path).write("a,b,c");
    List<String> second = file.current();
    assertNotSame(first, second);
    assertEquals(List.of("a", "b", "c"), second);
  }

  @Test
  void whatItWritesIsReadAtTheNextLook() throws IOException {
    Path path = dir.resolve("f");
    ParsedFile<List<String>> file = file(path);
    assertEquals(List.of(), file.current());
    file.write("x");
    assertEquals(List.of("x"), file.current());
    assertEquals("x", Files.readString(path));
  }

  @Test
  void aDamagedFileFailsEveryLookUntilItIsFixed() throws IOException {
    Path path = dir.resolve("f");
    Files.writeString(path, "a");
    ParsedFile<List<String>> file = file(path);
    assertEquals(List.of("a"), file.current());

    new AtomicFile(path).write("damaged");
    assertThrows(IOException.class, file::current);
    assertThrows(IOException.class, file::current, "never the last good content");

    new AtomicFile(path).write("b");
    assertEquals(List.of("b"), file.current());
  }

  @Test
  void bytesThatAreNotUtf8AreADamagedFileNamedAsSuch() throws IOException {
    Path path = dir.resolve("f");
    Files.write(path, new byte[] {'a', (byte) 0xC3, '('});
    IOException refused = assertThrows(IOException.class, file(path)::current);
    assertEquals(path + " is not UTF-8 text; the test file is damaged (fix or restore it)", refused.getMessage());
  }

  @Test
  void aFileThatCannotBeReadNamesTheFileAndTheReason() throws IOException {
    Path path = dir.resolve("f");
    Files.createDirectory(path); // a directory where the file should be: reading it fails
    IOException refused = assertThrows(IOException.class, file(path)::current);
    assertTrue(refused.getMessage().startsWith("cannot read the test file " + path + ": "), refused.getMessage());
    assertEquals(0, parses.get());
  }
}
