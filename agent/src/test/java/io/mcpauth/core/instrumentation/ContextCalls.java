package io.mcpauth.core.instrumentation;

import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.server.McpTransportContextExtractor;

/**
 * Calls of a context extractor behind a table switch, a lookup switch and a wide local: the
 * rewrite must walk every instruction to find them. No lambda and no string concatenation, so the
 * class has no BootstrapMethods attribute of its own.
 */
public class ContextCalls {

  private final McpTransportContextExtractor<Object> contextExtractor;

  public ContextCalls(McpTransportContextExtractor<Object> contextExtractor) {
    this.contextExtractor = contextExtractor;
  }

  public McpTransportContext extract(int kind, Object request) {
    int weight;
    switch (kind) {
      case 1:
        weight = 10;
        break;
      case 2:
        weight = 20;
        break;
      case 3:
        weight = 30;
        break;
      default:
        weight = 0;
        break;
    }
    switch (kind) {
      case 7:
        weight++;
        break;
      case 7000:
        weight--;
        break;
      case 7000000:
        weight += 2;
        break;
      default:
        break;
    }
    if (weight > 15) {
      return contextExtractor.extract(request);
    }
    return weight < 0 ? McpTransportContext.EMPTY : contextExtractor.extract(request);
  }
}
