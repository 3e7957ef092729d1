package io.mcpauth.bench;

import io.mcpauth.core.rpc.JsonRpcPeek;
import io.mcpauth.core.rpc.PeekRejectedException;
import io.mcpauth.core.rpc.RpcMessage;
import io.mcpauth.core.scopes.ScopePolicy;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Cost of the JSON-RPC body peek the gate runs on every POST: a typical {@code tools/call} of
 * about 200 bytes, and 4 KiB and 64 KiB ones whose arguments mix prose (with escapes and
 * non-ASCII text) and an array of small records, as tool calls that carry a document or a table
 * do. {@code -prof gc} shows what it allocates.
 *
 * <p>{@code java -jar target/benchmarks.jar PeekBenchmark -prof gc}
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgs = {"-Xms512m", "-Xmx512m"})
@State(Scope.Thread)
public class PeekBenchmark {

  static final String TYPICAL = "{\"jsonrpc\":\"2.0\",\"id\":42,\"method\":\"tools/call\",\"params\":{\"name\":\"search_documents\","
      + "\"arguments\":{\"query\":\"quarterly revenue report 2026\",\"limit\":10,\"include_archived\":false},"
      + "\"_meta\":{\"progressToken\":\"a1b2c3d4\"}}}";

  /** Body size in bytes: 0 for the typical call. */
  @Param({"0", "4096", "65536"})
  public int size;

  byte[] body;
  final JsonRpcPeek peek = new JsonRpcPeek(JsonRpcPeek.DEFAULT_MAX_BODY_BYTES);
  /** Twenty tool rules, a default, a prompt and a resource prefix, and a hierarchy: a policy a team might write. */
  final ScopePolicy policy = policy();
  final List<String> granted = List.of("mcp:tools", "docs:read");

  @Setup
  public void setUp() throws PeekRejectedException {
    body = (size == 0 ? TYPICAL : sized(size)).getBytes(StandardCharsets.UTF_8);
    RpcMessage message = peek();
    if (!"tools/call".equals(message.method()) || (size > 0 && body.length != size)) {
      throw new IllegalStateException("bad benchmark body: " + message + ", " + body.length + " bytes");
    }
  }

  @Benchmark
  public RpcMessage peek() throws PeekRejectedException {
    return peek.peek(body, body.length, "application/json", null);
  }

  /**
   * What the gate adds per POST with per-message rules, beyond the stream it reads: copying the body
   * out (an array of its Content-Length), the peek, the rule lookup and the scope check with the hierarchy.
   */
  @Benchmark
  public boolean judge() throws PeekRejectedException, IOException {
    byte[] read = new ByteArrayInputStream(body).readNBytes(body.length);
    RpcMessage message = peek.peek(read, read.length, "application/json", null);
    return policy.grants(granted, policy.requiredFor(message));
  }

  private static ScopePolicy policy() {
    Map<String, List<String>> tools = new HashMap<>();
    for (int i = 0; i < 20; i++) {
      tools.put("tool_" + i, List.of("tools:" + i));
    }
    tools.put("search_documents", List.of("docs:read"));
    tools.put("import_table", List.of("docs:read"));
    tools.put("*", List.of("mcp:tools"));
    return new ScopePolicy(List.of("mcp:tools"), Map.of("tools/list", List.of("mcp:tools")), tools,
        Map.of("greeting", List.of("prompts")), Map.of("file:///secret/*", List.of("secrets")),
        Map.of("mcp:admin", List.of("mcp:tools", "docs:read")));
  }

  /** A tools/call of exactly {@code bytes} UTF-8 bytes: half records, the rest prose. */
  static String sized(int bytes) {
    StringBuilder rows = new StringBuilder();
    for (int i = 0; rows.length() < bytes / 2; i++) {
      rows.append(i == 0 ? "" : ",").append("{\"id\":").append(1000 + i).append(",\"sku\":\"SKU-").append(i)
          .append("\",\"price\":").append(i % 97).append(".25,\"stock\":").append(i * 7 % 500)
          .append(",\"tags\":[\"a\",\"b\"],\"active\":").append(i % 3 != 0).append("}");
    }
    String head = "{\"jsonrpc\":\"2.0\",\"id\":42,\"method\":\"tools/call\",\"params\":{\"name\":\"import_table\","
        + "\"arguments\":{\"rows\":[" + rows + "],\"notes\":\"";
    String tail = "\"}}}";
    String sentence = "Caf\u00e9 \u00fcber na\u00efve r\u00e9sum\u00e9s \\\"quoted\\\", tab\\tseparated\\n";
    StringBuilder prose = new StringBuilder();
    int room = bytes - (head + tail).getBytes(StandardCharsets.UTF_8).length;
    while (utf8Length(prose) + utf8Length(sentence) <= room) {
      prose.append(sentence);
    }
    while (utf8Length(prose) < room) {
      prose.append('x');
    }
    return head + prose + tail;
  }

  private static int utf8Length(CharSequence text) {
    return text.toString().getBytes(StandardCharsets.UTF_8).length;
  }
}
