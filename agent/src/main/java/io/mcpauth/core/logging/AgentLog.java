package io.mcpauth.core.logging;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.function.Consumer;

/**
 * The agent's log: one line per event, to standard error or to {@code mcpauth.log.file}, in the form
 * {@code 2026-11-26T14:20:00.123Z mcpauth INFO  message}. Messages use slf4j's {@code {}} placeholders
 * and its convention that a trailing {@link Throwable} is the event's cause.
 *
 * <p>It is not a logging framework on purpose: the agent logs a few dozen kinds of lines, and logback
 * cost 150 classes and about 140 ms of CPU at start-up. Nothing here reads the host's logging
 * configuration. The output is opened on the first line, never on the JVM's start-up path.
 */
public final class AgentLog {

  /** Levels, most severe first; a line is written when its level is at or above the setting. */
  public enum Level {
    OFF, ERROR, WARN, INFO, DEBUG, TRACE;

    /** The name padded to five characters, so that messages line up. */
    final String label = String.format("%-5s", name());
  }

  private static volatile Level threshold = Level.INFO;
  private static volatile String file;
  private static volatile PrintStream out;
  private static volatile Consumer<String> capture;

  private AgentLog() {}

  /** The level and file from the configuration; the file is opened at the next line. */
  public static void settings(String level, String logFile) {
    synchronized (AgentLog.class) {
      threshold = Level.valueOf(level);
      file = logFile;
      out = null;
    }
  }

  public static boolean enabled(Level level) {
    return level != Level.OFF && level.compareTo(threshold) <= 0;
  }

  public static void error(String pattern, Object... arguments) {
    log(Level.ERROR, pattern, arguments);
  }

  public static void warn(String pattern, Object... arguments) {
    log(Level.WARN, pattern, arguments);
  }

  public static void info(String pattern, Object... arguments) {
    log(Level.INFO, pattern, arguments);
  }

  public static void log(Level level, String pattern, Object... arguments) {
    if (!enabled(level)) {
      return;
    }
    Throwable cause = arguments.length > 0 && arguments[arguments.length - 1] instanceof Throwable t ? t : null;
    String message = format(pattern, arguments, cause == null ? arguments.length : arguments.length - 1);
    Consumer<String> test = capture;
    if (test != null) {
      test.accept(level + " " + message + causes(cause));
    }
    StringBuilder line = new StringBuilder(64 + message.length())
        .append(timestamp(System.currentTimeMillis()))
        .append(" mcpauth ").append(level.label).append(' ').append(message);
    if (cause != null) {
      // The cause and the frame that threw it: enough to find the fault, short enough for one event.
      line.append(System.lineSeparator()).append(cause);
      StackTraceElement[] frames = cause.getStackTrace();
      if (frames.length > 0) {
        line.append(System.lineSeparator()).append("\tat ").append(frames[0]);
      }
      for (Throwable inner = cause.getCause(); inner != null && inner != cause; inner = inner.getCause()) {
        line.append(System.lineSeparator()).append("Caused by: ").append(inner);
      }
    }
    PrintStream target = output();
    synchronized (target) {
      target.println(line);
    }
  }

  /** slf4j's substitution: each {@code {}} takes the next argument; {@code \{}} stays literal. */
  static String format(String pattern, Object[] arguments, int count) {
    StringBuilder out = new StringBuilder(pattern.length() + 16 * count);
    int next = 0;
    int i = 0;
    while (i < pattern.length()) {
      char c = pattern.charAt(i);
      if (c == '\\' && pattern.startsWith("{}", i + 1)) {
        out.append("{}");
        i += 3;
      } else if (c == '{' && next < count && pattern.startsWith("{}", i)) {
        out.append(arguments[next++]);
        i += 2;
      } else {
        out.append(c);
        i++;
      }
    }
    return out.toString();
  }

  private static String causes(Throwable cause) {
    StringBuilder text = new StringBuilder();
    for (Throwable error = cause; error != null; error = error.getCause() == error ? null : error.getCause()) {
      text.append(" | ").append(error.getClass().getName()).append(": ").append(error.getMessage());
    }
    return text.toString();
  }

  private static PrintStream output() {
    PrintStream target = out;
    if (target != null) {
      return target;
    }
    synchronized (AgentLog.class) {
      if (out == null) {
        out = open(file);
      }
      return out;
    }
  }

  private static PrintStream open(String path) {
    if (path == null) {
      return System.err;
    }
    try {
      OutputStream stream = new FileOutputStream(path, true);
      return new PrintStream(stream, true, StandardCharsets.UTF_8);
    } catch (IOException e) {
      System.err.println("mcpauth: cannot write the log file " + path + " (" + e.getMessage() + "); logging to standard error");
      return System.err;
    }
  }

  /** Tests only: also hands each line, as "LEVEL message | Cause: text", to {@code sink}; null stops. */
  static void capture(Consumer<String> sink) {
    capture = sink;
  }

  /**
   * ISO 8601 in UTC with milliseconds, {@code 2026-11-26T17:45:04.012Z}. UTC and hand-formatted because
   * the system zone and a DateTimeFormatter pattern cost about 16 ms of start-up on the first line
   * (the time-zone database and the formatter's parser), on the thread that fetches the keys.
   */
  public static String timestamp(long epochMilli) {
    LocalDateTime t = LocalDateTime.ofEpochSecond(
        Math.floorDiv(epochMilli, 1000), (int) Math.floorMod(epochMilli, 1000) * 1_000_000, ZoneOffset.UTC);
    StringBuilder out = new StringBuilder(24);
    pad(out, t.getYear(), 4).append('-');
    pad(out, t.getMonthValue(), 2).append('-');
    pad(out, t.getDayOfMonth(), 2).append('T');
    pad(out, t.getHour(), 2).append(':');
    pad(out, t.getMinute(), 2).append(':');
    pad(out, t.getSecond(), 2).append('.');
    return pad(out, (int) Math.floorMod(epochMilli, 1000), 3).append('Z').toString();
  }

  private static StringBuilder pad(StringBuilder out, int value, int width) {
    String digits = Integer.toString(value);
    for (int i = digits.length(); i < width; i++) {
      out.append('0');
    }
    return out.append(digits);
  }
}
