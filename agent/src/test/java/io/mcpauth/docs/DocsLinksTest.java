package io.mcpauth.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every relative link and anchor in README.md and docs/ leads somewhere. */
class DocsLinksTest {

  @Test
  void everyRelativeLinkOfTheReadmeAndTheDocsResolves() throws IOException {
    Path root = Path.of("..");
    List<Path> files = new ArrayList<>(List.of(root.resolve("README.md")));
    try (Stream<Path> docs = Files.walk(root.resolve("docs"))) {
      docs.filter(path -> path.toString().endsWith(".md")).sorted().forEach(files::add);
    }
    MarkdownLinks links = new MarkdownLinks(root);
    List<String> broken = new ArrayList<>();
    for (Path file : files) {
      broken.addAll(links.broken(file));
    }

    assertEquals(List.of(), broken, "broken links:\n" + String.join("\n", broken));
    assertTrue(files.size() >= 10 && links.checked() >= 30,
        "expected README and the docs to hold links: " + files.size() + " files, " + links.checked() + " relative links");
  }

  @Test
  void aMissingFileAMissingHeadingAndAWayOutAreReported(@TempDir Path root) throws IOException {
    Files.createDirectories(root.resolve("docs"));
    Files.writeString(root.resolve("docs/guide.md"), """
        # The guide

        ## What it does, in `code`

        ## Steps
        ## Steps
        """, StandardCharsets.UTF_8);
    Files.writeString(root.resolve("README.md"), """
        # Read me

        See [the guide](docs/guide.md), [what it does](docs/guide.md#what-it-does-in-code),
        [the second steps](docs/guide.md#steps-1), [this file](#read-me), [the web](https://example.com/x.md#y)
        and [`code`](docs/guide.md "title").

        Broken: [gone](docs/gone.md), [no heading](docs/guide.md#nothing), [no local
        heading](#elsewhere), [outside](../outside.md).

        ```
        [in a code block](docs/not-checked.md)
        ```
        and `[in a code span](docs/not-checked.md)`.

        [ref]: docs/missing-ref.md
        """, StandardCharsets.UTF_8);

    MarkdownLinks links = new MarkdownLinks(root);
    List<String> broken = links.broken(root.resolve("README.md"));

    assertEquals(List.of(
        "README.md: (docs/gone.md) names no file",
        "README.md: (docs/guide.md#nothing) names no heading of docs/guide.md; its anchors: [steps, steps-1, the-guide, what-it-does-in-code]",
        "README.md: (#elsewhere) names no heading of README.md; its anchors: [read-me]",
        "README.md: (../outside.md) leads out of the repository",
        "README.md: (docs/missing-ref.md) names no file"), broken);
    assertEquals(10, links.checked(), "relative links, the https one and those in code left out");
  }

  @Test
  void anchorsAreTheOnesGitHubGivesHeadings() {
    assertEquals("what-the-agent-does-on-each-request", MarkdownLinks.slug("What the agent does on each request"));
    assertEquals("the-verifiers-own-steps", MarkdownLinks.slug("The verifier's own steps"));
    assertEquals("introspection-rfc-7662", MarkdownLinks.slug("Introspection (RFC 7662)"));
    assertEquals("what-a-bearer-token-costs-jetty-before-any-check", MarkdownLinks.slug("What a bearer token costs Jetty, before any check"));
    assertEquals("the-mcpauthas-keys", MarkdownLinks.slug("The `mcpauth.as.*` keys"));
    assertEquals("see-the-guide", MarkdownLinks.slug("See [the guide](docs/guide.md)"));
  }
}
