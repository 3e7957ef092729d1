package io.mcpauth.core.instrumentation;

import java.util.ArrayList;
import java.util.List;

/** Stands in for AuthBridge in {@link ProloguePatcherTest}: records each call and answers as told. */
public final class TestBridge {

  public static final List<String> calls = new ArrayList<>();
  public static Object entryAnswer;
  public static boolean serviceAnswer;
  public static Object replyAnswer;

  private TestBridge() {}

  public static Object servletEntry(Object servlet, Object request, Object response) {
    calls.add("servletEntry " + servlet.getClass().getSimpleName());
    return entryAnswer == Boolean.TRUE ? response : entryAnswer;
  }

  public static boolean servletService(Object servlet, Object request, Object response) {
    calls.add("servletService");
    return serviceAnswer;
  }

  public static Object springEntry(Object handler, Object argument) {
    calls.add("springEntry " + argument);
    return replyAnswer;
  }
}
