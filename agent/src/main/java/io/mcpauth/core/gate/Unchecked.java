package io.mcpauth.core.gate;

/** Method handles throw Throwable; the gate passes on unchecked ones as they are and wraps the rest. */
final class Unchecked {

  private Unchecked() {}

  /** For {@code throw Unchecked.of(e)}: throws {@code e} itself when it is unchecked. */
  static RuntimeException of(Throwable e) {
    if (e instanceof RuntimeException runtime) {
      return runtime;
    }
    if (e instanceof Error error) {
      throw error;
    }
    return new IllegalStateException(e);
  }
}
