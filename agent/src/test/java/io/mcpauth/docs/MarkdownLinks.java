package io.mcpauth.docs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The relative links of Markdown files, and whether each one leads somewhere: the file exists inside
 * the repository and, for {@code file.md#anchor} or {@code #anchor}, the file has a heading with that
 * anchor as GitHub renders it. Links inside code (fenced blocks, backtick spans) are text, not links.
 */
final class MarkdownLinks {

  private static final Pattern INLINE = Pattern.compile("\\[([^\\]]*)\\]\\(\\s*<?([^)\\s>]+)>?(?:\\s+\"[^\"]*\")?\\s*\\)");
  private static final Pattern REFERENCE = Pattern.compile("(?m)^ {0,3}\\[[^\\]]+\\]:\\s*<?(\\S+?)>?(?:\\s.*)?$");
  private static final Pattern HEADING = Pattern.compile("^ {0,3}#{1,6}\\s+(.*?)(?:\\s+#+)?\\s*$");
  private static final Pattern HTML_ANCHOR = Pattern.compile("<a\\s+(?:id|name)=\"([^\"]+)\"");
  private static final Pattern SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*:");
  /** What GitHub drops from a heading's text to make its anchor: all but word characters, '-' and ' '. */
  private static final Pattern NOT_IN_ANCHOR = Pattern.compile("[^\\p{L}\\p{M}\\p{N}\\p{Pc} -]");

  private final Path root;
  private final Map<Path, Set<String>> anchors = new HashMap<>();
  private int checked;

  MarkdownLinks(Path root) {
    this.root = root.toAbsolutePath().normalize();
  }

  /** How many relative links {@link #broken} has checked so far. */
  int checked() {
    return checked;
  }

  /** One line per relative link of {@code file} that leads nowhere: file, link and why. */
  List<String> broken(Path file) throws IOException {
    Path source = file.toAbsolutePath().normalize();
    String text = withoutCode(Files.readString(source, StandardCharsets.UTF_8));
    List<String> targets = new ArrayList<>();
    Matcher inline = INLINE.matcher(text);
    while (inline.find()) {
      targets.add(inline.group(2));
    }
    Matcher reference = REFERENCE.matcher(text);
    while (reference.find()) {
      targets.add(reference.group(1));
    }
    List<String> broken = new ArrayList<>();
    for (String target : targets) {
      if (SCHEME.matcher(target).find()) {
        continue;
      }
      checked++;
      String why = why(source, target);
      if (why != null) {
        broken.add(root.relativize(source) + ": (" + target + ") " + why);
      }
    }
    return broken;
  }

  private String why(Path source, String target) throws IOException {
    int hash = target.indexOf('#');
    String path = hash < 0 ? target : target.substring(0, hash);
    String anchor = hash < 0 ? null : target.substring(hash + 1);
    Path resolved = path.isEmpty() ? source : source.getParent().resolve(path).normalize();
    if (!resolved.startsWith(root)) {
      return "leads out of the repository";
    }
    if (!Files.exists(resolved)) {
      return "names no file";
    }
    if (anchor == null) {
      return null;
    }
    if (!resolved.toString().endsWith(".md")) {
      return "has an anchor, but names no Markdown file";
    }
    if (!anchorsOf(resolved).contains(anchor)) {
      return "names no heading of " + root.relativize(resolved) + "; its anchors: " + new TreeSet<>(anchorsOf(resolved));
    }
    return null;
  }

  private Set<String> anchorsOf(Path file) throws IOException {
    Set<String> known = anchors.get(file);
    if (known == null) {
      known = new HashSet<>();
      Map<String, Integer> seen = new HashMap<>();
      String text = withoutFencedBlocks(Files.readString(file, StandardCharsets.UTF_8));
      for (String line : text.split("\n")) {
        Matcher heading = HEADING.matcher(line);
        if (heading.matches()) {
          String slug = slug(heading.group(1));
          int repeats = seen.merge(slug, 1, Integer::sum) - 1;
          known.add(repeats == 0 ? slug : slug + "-" + repeats);
        }
        Matcher html = HTML_ANCHOR.matcher(line);
        while (html.find()) {
          known.add(html.group(1));
        }
      }
      anchors.put(file, known);
    }
    return known;
  }

  /** The anchor GitHub gives a heading: its text without markup, lower case, punctuation dropped, spaces as '-'. */
  static String slug(String heading) {
    String text = heading.replaceAll("\\[([^\\]]*)\\]\\([^)]*\\)", "$1").replace("`", "").replace("*", "");
    return NOT_IN_ANCHOR.matcher(text.toLowerCase(Locale.ROOT)).replaceAll("").replace(' ', '-');
  }

  private static String withoutCode(String text) {
    return withoutFencedBlocks(text).replaceAll("`[^`]*`", "``");
  }

  /** Fenced code blocks replaced by empty lines, so that nothing in them counts as a link or heading. */
  private static String withoutFencedBlocks(String text) {
    StringBuilder out = new StringBuilder();
    String fence = null;
    for (String line : text.split("\n", -1)) {
      String trimmed = line.stripLeading();
      if (fence == null && (trimmed.startsWith("```") || trimmed.startsWith("~~~"))) {
        fence = trimmed.substring(0, 3);
        out.append('\n');
      } else if (fence != null) {
        if (trimmed.startsWith(fence)) {
          fence = null;
        }
        out.append('\n');
      } else {
        out.append(line).append('\n');
      }
    }
    return out.toString();
  }
}
