package io.mcpauth.core.instrumentation;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.ArrayList;
import java.util.List;

/**
 * Methods whose code makes a prologue's offsets matter, for {@link ProloguePatcherTest}: a frame at
 * the very first instruction, switches whose padding depends on where they start, exception
 * handlers, a {@code new} whose frame holds an uninitialized object, and straight-line code with
 * no stack map at all. Each records what it did in {@link #trace}.
 */
public class PrologueShapes {

  public static final List<String> trace = new ArrayList<>();
  static int counter;

  /** do-while: javac puts the loop's frame at offset 0. */
  public void doGet(HttpServletRequest request, HttpServletResponse response) {
    do {
      counter++;
    } while (counter % 3 != 0);
    trace.add("doGet " + counter + " " + name(response));
  }

  /** A tableswitch and a lookupswitch, a try/catch/finally and an uninitialized-object frame. */
  public void doPost(HttpServletRequest request, HttpServletResponse response) {
    int selector = trace.size();
    String dense;
    switch (selector % 4) {
      case 0 -> dense = "zero";
      case 1 -> dense = "one";
      case 2 -> dense = "two";
      default -> dense = "three";
    }
    String sparse;
    switch (selector * 1000) {
      case 4000 -> sparse = "s4";
      case 5000 -> sparse = "s5";
      case 1000000 -> sparse = "big";
      default -> sparse = "other";
    }
    StringBuilder built = new StringBuilder(selector > 1 ? "many" : "few");
    try {
      if (selector == 3) {
        throw new IllegalStateException("three");
      }
      built.append(" ok");
    } catch (IllegalStateException e) {
      built.append(" caught ").append(e.getMessage());
    } finally {
      built.append(" finally");
    }
    trace.add("doPost " + dense + " " + sparse + " " + built + " " + name(response));
  }

  /** No branch at all: the class file has no StackMapTable for it. */
  public void doDelete(HttpServletRequest request, HttpServletResponse response) {
    trace.add("doDelete " + name(response));
  }

  /** For the void prologue, {@code if (bridge) return;}: its switch starts at an offset that is not a multiple of 4. */
  public void service(HttpServletRequest request, HttpServletResponse response) {
    int selector = trace.size();
    switch (selector % 3) {
      case 0 -> trace.add("service zero");
      case 1 -> trace.add("service one");
      default -> trace.add("service two");
    }
  }

  /** For the replacing prologue. */
  public CharSequence handlePost(Object argument) {
    return switch (String.valueOf(argument)) {
      case "a" -> "alpha";
      case "b" -> "beta";
      case "boom" -> throw new IllegalArgumentException("boom");
      default -> new StringBuilder("other ").append(argument);
    };
  }

  /** Not chosen: must stay as it is. */
  public String untouched(int value) {
    return value > 0 ? "positive" : "not positive";
  }

  private static String name(HttpServletResponse response) {
    return String.valueOf(response);
  }
}
