package io.mcpauth.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GeneratedSectionTest {

  static final String TABLE = "| key | default |\n|---|---|\n| `a.timeout` | `5s` |\n| `b.size` | `10` |\n";

  @Test
  void aCurrentSectionPasses(@TempDir Path dir) throws IOException {
    Path doc = dir.resolve("reference.md");
    GeneratedSection section = new GeneratedSection(doc, "Keys", false);
    Files.writeString(doc, "# Reference\n\nprose\n\n" + section.render(TABLE) + "\n\nmore prose\n", StandardCharsets.UTF_8);

    assertNull(section.staleness(TABLE));
  }

  @Test
  void aStaleSectionIsReportedWithTheLinesThatDifferAndTheExpectedText(@TempDir Path dir) throws IOException {
    Path doc = dir.resolve("reference.md");
    GeneratedSection section = new GeneratedSection(doc, "Keys", false);
    String original = "# Reference\n\n" + section.render(TABLE.replace("`5s`", "`6s`")) + "\n\nmore prose\n";
    Files.writeString(doc, original, StandardCharsets.UTF_8);

    String report = section.staleness(TABLE);

    assertNotNull(report);
    assertTrue(report.contains("reference.md is stale"), report);
    assertTrue(report.contains("first difference, line 5 of the part:\n  file:     | `a.timeout` | `6s` |\n"
        + "  expected: | `a.timeout` | `5s` |\n"), report);
    assertTrue(report.contains("\n- | `a.timeout` | `6s` |\n+ | `a.timeout` | `5s` |\n"), report);
    assertTrue(report.endsWith("\n" + section.render(TABLE)), report);
    assertEquals(original, Files.readString(doc, StandardCharsets.UTF_8), "without docs.update the file is left alone");
  }

  @Test
  void aStaleSectionIsRewrittenOnlyWhenAskedAndStillReported(@TempDir Path dir) throws IOException {
    Path doc = dir.resolve("reference.md");
    GeneratedSection section = new GeneratedSection(doc, "Keys", true);
    Files.writeString(doc, "# Reference\n\n" + section.render("| old |\n") + "\n\nmore prose\n", StandardCharsets.UTF_8);

    String report = section.staleness(TABLE);

    assertNotNull(report);
    assertTrue(report.contains("Rewritten (docs.update=true)"), report);
    assertEquals("# Reference\n\n" + section.render(TABLE) + "\n\nmore prose\n", Files.readString(doc, StandardCharsets.UTF_8));
    assertNull(section.staleness(TABLE));
  }

  @Test
  void aSectionWithoutItsMarkersIsReported(@TempDir Path dir) throws IOException {
    Path doc = dir.resolve("reference.md");
    Files.writeString(doc, "# Reference\n\n" + TABLE, StandardCharsets.UTF_8);

    String report = new GeneratedSection(doc, "Keys", false).staleness(TABLE);

    assertNotNull(report);
    assertTrue(report.contains("<!-- generated from Keys: do not edit -->\nand\n<!-- end generated -->"), report);
    assertTrue(report.endsWith(new GeneratedSection(doc, "Keys", false).render(TABLE)), report);
  }

  @Test
  void aSectionWithTwoStartMarkersIsReported(@TempDir Path dir) throws IOException {
    Path doc = dir.resolve("reference.md");
    GeneratedSection section = new GeneratedSection(doc, "Keys", false);
    Files.writeString(doc, section.render(TABLE) + "\n\n" + section.render(TABLE) + "\n", StandardCharsets.UTF_8);

    assertNotNull(section.staleness(TABLE));
  }
}
