package io.mcpauth.tests.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A part of a file under docs/ that is rendered from code, between a start marker naming its source
 * and {@value #END}. {@link #staleness} says why the file no longer holds exactly the rendered
 * text, with the text it should hold; when made to rewrite ({@code -Ddocs.update=true} for
 * {@link #of}), it also replaces the part, so that a maintainer reviews the change as a diff. A stale
 * file is reported either way: nothing here can make a stale file pass.
 *
 * <p>The same class as the agent module's {@code io.mcpauth.docs.GeneratedSection}, whose test
 * covers it: this module runs the shipped jar and does not see the agent's classes, test classes
 * included. Change both together.
 */
public final class GeneratedSection {

  public static final String END = "<!-- end generated -->";

  private final Path file;
  private final String source;
  private final String start;
  private final boolean rewrite;

  /** {@code source} names what the part is rendered from, e.g. {@code ConfigKey}. */
  GeneratedSection(Path file, String source, boolean rewrite) {
    this.file = file;
    this.source = source;
    this.start = "<!-- generated from " + source + ": do not edit -->";
    this.rewrite = rewrite;
  }

  /** The part of a file of this repository; rewritten when stale if the JVM runs with {@code docs.update=true}. */
  public static GeneratedSection of(Path file, String source) {
    return new GeneratedSection(file, source, Boolean.getBoolean("docs.update"));
  }

  /** The markers with the rendered text between them, each on lines of their own. */
  public String render(String text) {
    return start + "\n\n" + text + "\n" + END;
  }

  /** Null when the file holds exactly {@code expected} between its markers; else what to fix. */
  public String staleness(String expected) throws IOException {
    String content = Files.readString(file, StandardCharsets.UTF_8);
    int from = content.indexOf(start);
    int to = content.indexOf(END, Math.max(from, 0));
    if (from < 0 || to < 0 || content.indexOf(start, from + 1) >= 0) {
      return file + " must hold the generated text exactly once, between the lines\n" + start + "\nand\n" + END
          + "\nThe whole part, markers included, must read:\n" + render(expected);
    }
    String found = content.substring(from, to + END.length());
    String wanted = render(expected);
    if (found.equals(wanted)) {
      return null;
    }
    String report = file + " is stale: the part between its markers differs from what " + source + " renders.\n"
        + lineDiff(found, wanted);
    if (rewrite) {
      Files.writeString(file, content.substring(0, from) + wanted + content.substring(to + END.length()), StandardCharsets.UTF_8);
      return report + "\nRewritten (docs.update=true): review the change and commit it.";
    }
    return report + "\nReplace that part, markers included, with exactly this (or run the test with -Ddocs.update=true):\n" + wanted;
  }

  /** The first line that differs, then every line only the file has (-) and only the rendering has (+). */
  static String lineDiff(String found, String wanted) {
    List<String> have = found.lines().toList();
    List<String> want = wanted.lines().toList();
    StringBuilder diff = new StringBuilder();
    for (int i = 0; i < Math.max(have.size(), want.size()); i++) {
      String a = i < have.size() ? have.get(i) : "(end of part)";
      String b = i < want.size() ? want.get(i) : "(end of part)";
      if (!a.equals(b)) {
        diff.append("first difference, line ").append(i + 1).append(" of the part:\n  file:     ").append(a)
            .append("\n  expected: ").append(b).append('\n');
        break;
      }
    }
    Set<String> wantSet = new HashSet<>(want);
    Set<String> haveSet = new HashSet<>(have);
    List<String> onlyHave = new ArrayList<>();
    have.stream().filter(line -> !wantSet.contains(line)).forEach(onlyHave::add);
    List<String> onlyWant = new ArrayList<>();
    want.stream().filter(line -> !haveSet.contains(line)).forEach(onlyWant::add);
    onlyHave.forEach(line -> diff.append("- ").append(line).append('\n'));
    onlyWant.forEach(line -> diff.append("+ ").append(line).append('\n'));
    if (onlyHave.isEmpty() && onlyWant.isEmpty()) {
      diff.append("(the same lines in another order, or differing only in line endings or repeats)\n");
    }
    return diff.toString();
  }
}
