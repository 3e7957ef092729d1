package io.mcpauth.core.config;

import java.util.List;

/** Every configuration error found at once; the message is one line naming each property. */
public final class InvalidConfigException extends Exception {

  private final List<String> errors;

  InvalidConfigException(List<String> errors) {
    super("mcpauth: configuration invalid (" + errors.size() + (errors.size() == 1 ? " error): " : " errors): ")
        + String.join("; ", errors));
    this.errors = List.copyOf(errors);
  }

  public List<String> errors() {
    return errors;
  }
}
