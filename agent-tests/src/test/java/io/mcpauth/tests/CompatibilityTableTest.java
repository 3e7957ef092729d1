package io.mcpauth.tests;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcpauth.tests.support.CompatibilityMatrix;
import io.mcpauth.tests.support.Fixture;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The README's compatibility table is exactly the matrix TransportMatrixTest proves. */
class CompatibilityTableTest {

  @Test
  void readmeShowsTheProvenMatrix() throws IOException {
    String readme = Files.readString(Path.of("..", "README.md"), StandardCharsets.UTF_8);
    String expected = CompatibilityMatrix.table();
    assertTrue(readme.contains(expected), "README.md must contain this compatibility table:\n" + expected);
  }

  @Test
  void everyRowHasItsFixtureJar() {
    for (CompatibilityMatrix.Row row : CompatibilityMatrix.ROWS) {
      assertTrue(Files.isRegularFile(Fixture.fixtureJar(row.module())), "missing " + Fixture.fixtureJar(row.module()));
    }
  }
}
