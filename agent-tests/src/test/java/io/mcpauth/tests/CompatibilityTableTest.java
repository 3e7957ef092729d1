package io.mcpauth.tests;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcpauth.docs.GeneratedSection;
import io.mcpauth.tests.support.CompatibilityMatrix;
import io.mcpauth.tests.support.Fixture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** docs/compatibility.md's table is exactly the matrix TransportMatrixTest proves. */
class CompatibilityTableTest {

  @Test
  void docsShowTheProvenMatrix() throws IOException {
    String stale = GeneratedSection.of(Path.of("..", "docs", "compatibility.md"), "CompatibilityMatrix")
        .staleness(CompatibilityMatrix.table());
    assertNull(stale, stale);
  }

  @Test
  void everyRowHasItsFixtureJar() {
    for (CompatibilityMatrix.Row row : CompatibilityMatrix.ROWS) {
      assertTrue(Files.isRegularFile(Fixture.fixtureJar(row.module())), "missing " + Fixture.fixtureJar(row.module()));
    }
  }
}
